"""One local Prefect server that every `hearings` command on this machine shares.

Without `PREFECT_API_URL`, Prefect starts a temporary server for each command: 12-20 s of
start-up on a busy machine (sometimes past its 20 s limit), and a killed command leaves it
running as an orphan. Instead the first command starts one server in its own session,
records it in `PREFECT_HOME/hearings-server.json`, and later commands reuse it (≈ 0 s).
`hearings server stop` ends it. This module must not import Prefect: the address has to be
in the environment before Prefect reads its settings.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from pipeline.errors import HearingsError

STATE_FILE = "hearings-server.json"
LOCK_FILE = "hearings-server.lock"
LOG_FILE = "hearings-server.log"
STARTUP_TIMEOUT_SECONDS = 180.0
POLL_SECONDS = 0.2


class LocalServerError(HearingsError, RuntimeError):
    """The shared local Prefect server did not come up."""


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _recorded(home: Path) -> dict[str, object] | None:
    try:
        return json.loads((home / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spawn(home: Path) -> dict[str, object]:
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        raise LocalServerError("prefect is not installed")
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent),
        "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
        "--port", str(port), "--log-level", "error", "--lifespan", "on",
    ]  # fmt: skip
    environment = os.environ | {"PREFECT_UI_ENABLED": "0", "PREFECT_HOME": str(home)}
    with (home / LOG_FILE).open("ab") as log:
        process = subprocess.Popen(
            command, env=environment, stdout=log, stderr=log, start_new_session=True
        )
    return {"pid": process.pid, "url": f"http://127.0.0.1:{port}/api"}


def _wait_until_healthy(state: dict[str, object], home: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if _healthy(str(state["url"])):
            return
        time.sleep(POLL_SECONDS)
    raise LocalServerError(
        f"the local Prefect server did not answer within {STARTUP_TIMEOUT_SECONDS:.0f} s; "
        f"see {home / LOG_FILE}"
    )


def _stop_process(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)


def use_local_server() -> str | None:
    """Point Prefect at the shared local server, starting it when none answers.

    Does nothing (None) when `PREFECT_API_URL` is set (a server of your own) or Prefect is
    already imported in this process (its settings are read).
    """
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_FILE).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two commands starting at once start one server
        state = _recorded(home)
        if state is None or not _healthy(str(state["url"])):
            if state is not None:
                _stop_process(int(state["pid"]))  # recorded but not answering: replace it
            state = _spawn(home)
            _wait_until_healthy(state, home)
            (home / STATE_FILE).write_text(json.dumps(state))
    os.environ["PREFECT_API_URL"] = str(state["url"])
    return str(state["url"])


def running_server() -> dict[str, object] | None:
    """The recorded shared server when it answers."""
    state = _recorded(prefect_home())
    return state if state is not None and _healthy(str(state["url"])) else None


def stop_local_server() -> int | None:
    """Stop the shared local server; its process id, or None when none was recorded."""
    home = prefect_home()
    state = _recorded(home)
    if state is None:
        return None
    _stop_process(int(state["pid"]))
    (home / STATE_FILE).unlink(missing_ok=True)
    return int(state["pid"])
