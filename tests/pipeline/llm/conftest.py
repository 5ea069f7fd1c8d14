"""Fixtures for the LLM client tests: a fake server in a chosen profile, settings pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from pipeline.chapters.prompts import Prompt, load_prompt
from pipeline.config import get_settings
from pipeline.llm import LlmClient
from tests.support.fake_openai import FakeOpenAI, Responder
from tests.support.llm_profiles import OPENAI, ServerProfile

Serve = Callable[..., FakeOpenAI]


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str
    score: int


GOOD = {"answer": "Yes. It is.", "score": 3}


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


@pytest.fixture
def prompt(tmp_path: Path) -> Prompt:
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "verdict.v1.j2").write_text(
        "{% block system %}Judge it.{% endblock %}{% block user %}{{ question }}{% endblock %}"
    )
    return load_prompt("verdict", folder)


def client() -> LlmClient:
    return LlmClient(get_settings().llm, None)
