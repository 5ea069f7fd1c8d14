"""Fixtures for the LLM client tests: a schema, a prompt, a client (`serve`: tests/support)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from pipeline.chapters.prompts import Prompt, load_prompt
from pipeline.config import get_settings
from pipeline.llm import LlmClient


class Verdict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str
    score: int


GOOD = {"answer": "Yes. It is.", "score": 3}


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
