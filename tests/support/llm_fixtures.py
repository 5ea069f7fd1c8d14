"""The `serve` fixture: a fake OpenAI-compatible server in a chosen profile, with the
HEARINGS_LLM__* settings pointing at it (a pytest plugin, registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from pipeline.config import get_settings
from tests.support.fake_openai import FakeOpenAI, Responder
from tests.support.llm_profiles import OPENAI, ServerProfile

Serve = Callable[..., FakeOpenAI]


@pytest.fixture
def serve(isolated_settings: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Serve]:
    """Starts a fake server with a profile and points HEARINGS_LLM__* (and more) at it."""
    with ExitStack() as stack:

        def start(
            profile: ServerProfile = OPENAI,
            responder: Responder | None = None,
            **settings: str,
        ) -> FakeOpenAI:
            server = stack.enter_context(FakeOpenAI(responder, profile=profile))
            monkeypatch.setenv("HEARINGS_LLM__BASE_URL", server.base_url)
            for name, value in settings.items():
                monkeypatch.setenv(f"HEARINGS_LLM__{name.upper()}", value)
            get_settings.cache_clear()
            return server

        yield start
