"""Failures that must be kind (issue 13): an unreachable LLM and a hearing with no speech."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from flows.process_hearing import LlmUnreachable, process_hearing
from models import Chapter, Hearing
from models.db import transaction
from pipeline.cli import app
from pipeline.config import get_settings
from pipeline.sources.manual import manual_hearing
from pipeline.stages import Stage
from pipeline.store.processing import ensure_manual_hearing
from pipeline.testing.wav import write_wav

pytestmark = pytest.mark.usefixtures("prefect_api_url")


@pytest.fixture
def unreachable_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    """An LLM endpoint on a port nobody listens on: every connection is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HEARINGS_LLM__BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("HEARINGS_LLM__API_KEY", "sk-test")
    monkeypatch.setenv("HEARINGS_LLM__MAX_RETRIES", "0")
    get_settings.cache_clear()


def chapter_rows(factory, slug: str) -> list[tuple[str, str]]:
    with factory() as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
        return [(c.title, c.generator) for c in hearing.chapters]


def status_of(factory, slug: str) -> tuple[str, str | None]:
    with factory() as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
        return hearing.status, hearing.error


def test_auto_falls_back_to_offline_chapters_when_the_llm_is_unreachable(
    factory, sample_slug, unreachable_llm
) -> None:
    report = process_hearing(sample_slug)

    chapter = next(o for o in report.stages if o.stage is Stage.CHAPTER)
    assert "fallback, the LLM is unreachable" in chapter.summary
    assert status_of(factory, sample_slug) == ("draft", None)
    generators = {generator for _title, generator in chapter_rows(factory, sample_slug)}
    assert generators == {"offline"}


def test_an_unreachable_llm_keeps_the_earlier_chapters_and_status(
    factory, sample_slug, monkeypatch
) -> None:
    process_hearing(sample_slug, chapterer="offline")
    before = chapter_rows(factory, sample_slug)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("HEARINGS_LLM__BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("HEARINGS_LLM__MAX_RETRIES", "0")
    get_settings.cache_clear()

    with pytest.raises(LlmUnreachable, match="keeps its earlier chapters and its status"):
        process_hearing(sample_slug, chapterer="llm")

    assert status_of(factory, sample_slug) == ("draft", None)
    assert chapter_rows(factory, sample_slug) == before


def test_silence_with_empty_captions_fails_as_no_speech_found(factory, tmp_path: Path) -> None:
    media = write_wav(tmp_path / "silent.wav", np.zeros(16_000 * 3, dtype=np.float32))
    media.with_suffix(".vtt").write_text("WEBVTT\n")
    with transaction(factory) as session:
        slug = ensure_manual_hearing(session, manual_hearing(str(media))).slug

    result = CliRunner().invoke(app, ["ingest", str(media)])

    assert result.exit_code == 1 and "no speech found" in result.output
    assert "ready for review" not in result.output
    status, error = status_of(factory, slug)
    assert status == "failed" and "no speech found" in (error or "")
    with factory() as session:
        assert session.scalars(select(Chapter)).first() is None
