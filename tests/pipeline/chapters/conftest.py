"""Fixtures for the chapter tests: a scripted LLM server and stored hearings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.step import CHAPTER_STAGE, ChaptererChoice
from pipeline.config import get_settings
from pipeline.stages import HearingContext, Outcome, run_stage
from tests.pipeline.chapters.synthetic import ScriptedModel, SyntheticHearing, synthetic_hearing
from tests.support.fake_openai import FakeOpenAI
from tests.support.llm_profiles import ServerProfile

API_KEY = "sk-test-never-shown"
SLUG = "council-hearing"


@pytest.fixture
def fake_llm(isolated_settings: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A local LLM endpoint configured in the settings; timeouts and retries kept small."""
    # It counts tokens for the client (as llama.cpp and vLLM do), so windows are sized by
    # the same count the server bills.
    with FakeOpenAI(ScriptedModel(), profile=ServerProfile(tokenize=True)) as server:
        monkeypatch.setenv("HEARINGS_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("HEARINGS_LLM__API_KEY", API_KEY)
        monkeypatch.setenv("HEARINGS_LLM__TIMEOUT_SECONDS", "0.5")
        monkeypatch.setenv("HEARINGS_LLM__TIMEOUT_SECONDS_PER_1K_TOKENS", "0")
        monkeypatch.setenv("HEARINGS_LLM__MAX_RETRIES", "2")
        get_settings.cache_clear()
        yield server


@pytest.fixture(scope="session")
def short_hearing() -> SyntheticHearing:
    return synthetic_hearing(hours=0.5, section_minutes=5.0)


def store_hearing(hearing: SyntheticHearing, *, with_speakers: bool = True) -> HearingContext:
    context = HearingContext.for_slug(SLUG, get_settings())
    context.store.write(
        SLUG, "lines", hearing.lines, stage_version="1", input_fingerprint="lines-1"
    )
    if with_speakers:
        context.store.write(
            SLUG, "speakers", hearing.speakers, stage_version="1", input_fingerprint="speakers-1"
        )
    return context


def run_chapter(
    context: HearingContext,
    *,
    chapterer: ChaptererChoice = "auto",
    force: bool = False,
    options: ChapteringOptions | None = None,
) -> Outcome:
    """The chapter stage as the flow runs it, with the caller's chapterer and options."""
    params = {"chapterer": chapterer, "options": options}
    return run_stage(CHAPTER_STAGE, context, params=params, force=force)
