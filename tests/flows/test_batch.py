"""Many hearings, a bounded number at a time, and no hearing waits for a slow one."""

from __future__ import annotations

import threading
import time

import pytest
from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from flows import batch
from flows.batch import process_many
from flows.process_hearing import HearingReport

pytestmark = pytest.mark.usefixtures("prefect_api_url")


class FakeProcessing:
    """Stands in for process-hearing: records starts and ends; 'slow' takes much longer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[tuple[str, str]] = []
        self.running = 0
        self.most_at_once = 0

    def __call__(self, slug: str, **_options: object) -> HearingReport:
        with self.lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.events.append(("start", slug))
        time.sleep(3.0 if slug == "slow" else 0.3)
        with self.lock:
            self.running -= 1
            self.events.append(("end", slug))
        return HearingReport(slug, "draft")


def test_a_slow_hearing_does_not_hold_back_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    processing = FakeProcessing()
    monkeypatch.setattr(batch, "process_hearing", processing)

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=8))
    def many() -> list[HearingReport]:
        return process_many(["slow", "a", "b", "c"], max_parallel=2)

    reports = many()

    assert processing.most_at_once == 2
    # With groups of two, b and c would wait for slow; here they finish while it still runs.
    assert processing.events.index(("end", "c")) < processing.events.index(("end", "slow"))
    assert sorted(report.slug for report in reports) == ["a", "b", "c", "slow"]
    assert reports[-1].slug == "slow"
