"""The top rung of the LLM test ladder: a real endpoint, only when asked for.

Set LIVE_LLM_API_KEY (and optionally LIVE_LLM_BASE_URL, LIVE_LLM_MODEL) to run it; the
suite's own fixtures clear every HEARINGS_* variable, so the live test has its own names.
"""

from __future__ import annotations

import os

import pytest

from pipeline.config import get_settings
from pipeline.schemas import Chapters, check_tiling
from tests.pipeline.chapters.conftest import SLUG, run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import SyntheticHearing

LIVE_KEY = os.environ.get("LIVE_LLM_API_KEY")

pytestmark = pytest.mark.skipif(
    not LIVE_KEY, reason="live LLM test: set LIVE_LLM_API_KEY (and LIVE_LLM_BASE_URL) to run"
)


def test_a_real_model_chapters_a_short_hearing(
    monkeypatch: pytest.MonkeyPatch, short_hearing: SyntheticHearing
) -> None:
    monkeypatch.setenv("HEARINGS_LLM__API_KEY", LIVE_KEY or "")
    if base_url := os.environ.get("LIVE_LLM_BASE_URL"):
        monkeypatch.setenv("HEARINGS_LLM__BASE_URL", base_url)
    if model := os.environ.get("LIVE_LLM_MODEL"):
        monkeypatch.setenv("HEARINGS_LLM__MODEL", model)
    get_settings.cache_clear()
    context = store_hearing(short_hearing)
    result = run_chapter(context, chapterer="llm")
    chapters = context.store.read(SLUG, "chapters", Chapters)
    check_tiling(chapters.chapters, len(short_hearing.lines.lines))
    assert all(chapter.title and 1 <= len(chapter.bullets) <= 5 for chapter in chapters.chapters)
    assert chapters.summary
    assert result.usage.tokens_in > 0 and result.usage.cost_usd >= 0
