"""The one local Prefect server the commands share (issue 13): started once, reused by the
next command, still one after a command is killed, and stopped on request."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import REPO_ROOT

USE = "from flows.local_server import use_local_server; print(use_local_server(), flush=True)"
USE_THEN_HANG = USE + "; import time; time.sleep(600)"


def run_python(code: str, home: Path) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment |= {"PREFECT_HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", code], env=environment, stdout=subprocess.PIPE, text=True
    )


def test_commands_share_one_server_that_a_killed_command_does_not_orphan(tmp_path) -> None:
    home = tmp_path / "prefect-home"
    first = run_python(USE, home)
    url = first.communicate(timeout=300)[0].strip()
    assert url.startswith("http://127.0.0.1:") and httpx.get(f"{url}/health").status_code == 200

    killed = run_python(USE_THEN_HANG, home)
    assert killed.stdout.readline().strip() == url  # reused, not a second server
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    third = run_python(USE, home)
    assert third.communicate(timeout=120)[0].strip() == url

    stop = run_python("from flows.local_server import stop_local_server as s; print(s())", home)
    pid = int(stop.communicate(timeout=60)[0].strip())
    assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid)
    assert not (home / "hearings-server.json").exists()


def _is_zombie(pid: int) -> bool:
    return " Z " in Path(f"/proc/{pid}/stat").read_text()


def test_a_temporary_server_gets_minutes_not_20_s_to_start(tmp_path) -> None:
    """Where Prefect does start its own temporary server (Prefect imported first), the CLI
    has raised its start-up limit, which a loaded 2-core machine exceeded."""
    code = (
        "import pipeline.cli\n"
        "from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as limit\n"
        "print(limit.value())"
    )
    environment = {k: v for k, v in os.environ.items() if "EPHEMERAL_STARTUP" not in k}
    environment |= {"PREFECT_HOME": str(tmp_path), "PYTHONPATH": str(REPO_ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    assert int(completed.stdout.strip()) >= 120
