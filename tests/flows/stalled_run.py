"""A hearing run stopped in the middle of its chapter stage, in a subprocess of its own.

The subprocess asks an LLM endpoint on 127.0.0.1 that takes the request and never answers,
so the run is provably inside the chapter stage (every earlier stage finished) when the
test acts: starts a second run, or kills the process with SIGKILL. The identify stage's
speaker-naming requests are answered (nobody named), so that stage finishes first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline.speakers.llm_pass import SpeakerAnswers
from tests.support.fake_openai import FakeReply, completion_payload

REACH_TIMEOUT_SECONDS = 180
NAMING = SpeakerAnswers.__name__
RUN_SCRIPT = (
    "import sys\n"
    "from flows.process_hearing import process_hearing\n"
    "process_hearing(sys.argv[1], chapterer='llm')\n"
)


class _SilentLlm(BaseHTTPRequestHandler):
    server: _SilentServer

    def log_message(self, *_args: Any) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if (body.get("response_format") or {}).get("json_schema", {}).get("name") == NAMING:
            self._answer_no_names(body)  # the identify stage's LLM pass: answer, don't stall
            return
        self.server.reached.set()
        self.server.release.wait(REACH_TIMEOUT_SECONDS)
        with suppress(BrokenPipeError, ConnectionResetError):  # the client may be dead
            self.send_error(503)


    def _answer_no_names(self, body: dict[str, Any]) -> None:
        encoded = json.dumps(completion_payload(FakeReply.json({"speakers": []}), body, 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded.encode())


class _SilentServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SilentLlm)
        self.reached = threading.Event()
        self.release = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A killed client drops its connection: expected."""


@dataclass
class StalledRun:
    process: subprocess.Popen[bytes]
    log: Path
    llm_base_url: str

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def stalled_in_chapter_stage(slug: str, prefect_api_url: str, folder: Path) -> Iterator[StalledRun]:
    """Start the run, wait until it asks the LLM, yield it; kill it at the end if still alive."""
    server = _SilentServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    llm_base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    environment = os.environ | {
        "PREFECT_API_URL": prefect_api_url,
        "HEARINGS_LLM__BASE_URL": llm_base_url,
        "HEARINGS_LLM__API_KEY": "test-key",
        "HEARINGS_LLM__MAX_RETRIES": "0",
    }
    log = folder / "stalled-run.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", RUN_SCRIPT, slug], env=environment, stdout=sink, stderr=sink
        )
    run = StalledRun(process, log, llm_base_url)
    try:
        if not server.reached.wait(REACH_TIMEOUT_SECONDS):
            raise AssertionError(f"the run never reached the chapter stage:\n{run.output()}")
        yield run
    finally:
        if process.poll() is None:
            run.kill()
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
