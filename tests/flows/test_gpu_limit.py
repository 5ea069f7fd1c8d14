"""The `gpu` concurrency limit: two GPU stages never hold the GPU at the same time."""

from __future__ import annotations

import threading
import time

import pytest
from prefect.client.orchestration import get_client

from flows.runtime import GPU_LIMIT, ensure_gpu_limit, gpu_slot

pytestmark = pytest.mark.usefixtures("prefect_api_url")


def test_gpu_slots_are_held_one_at_a_time() -> None:
    ensure_gpu_limit()
    ensure_gpu_limit()  # idempotent
    with get_client(sync_client=True) as client:
        assert client.read_global_concurrency_limit_by_name(GPU_LIMIT).limit == 1
    events: list[tuple[str, str]] = []
    lock = threading.Lock()

    def stage(name: str) -> None:
        with gpu_slot():
            with lock:
                events.append((name, "start"))
            time.sleep(0.3)  # hold the slot long enough for the other thread to ask for it
            with lock:
                events.append((name, "end"))

    threads = [threading.Thread(target=stage, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    first, second = events[0][0], events[2][0]
    assert events == [(first, "start"), (first, "end"), (second, "start"), (second, "end")]
