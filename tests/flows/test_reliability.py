"""Crashes and races: a killed run resumes cleanly; two runs of one hearing never both proceed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.process_hearing import process_hearing
from models import Chapter, Hearing, Speaker, StageRun, SyncState, TranscriptLine
from pipeline.artifacts import ArtifactStore
from pipeline.config import Settings, get_settings
from pipeline.stages import Stage
from tests.flows.stalled_run import stalled_in_chapter_stage

FINISHED_BEFORE_CHAPTER = ("source", "audio", "lines", "speakers")


def rows(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def runs(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    with factory() as session:
        return [
            (r.stage, r.status) for r in session.scalars(select(StageRun).order_by(StageRun.id))
        ]


def test_killed_in_a_stage_then_run_again_redoes_only_what_was_unfinished(
    settings: Settings,
    factory,
    sample_slug: str,
    prefect_api_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = ArtifactStore(settings.hearings_dir)
    with stalled_in_chapter_stage(sample_slug, prefect_api_url, tmp_path) as stalled:
        stalled.kill()
    # The same LLM settings as the killed run (identify's fingerprint covers them); the
    # chapters are written offline, since that endpoint is gone.
    monkeypatch.setenv("HEARINGS_LLM__BASE_URL", stalled.llm_base_url)
    get_settings.cache_clear()
    folder = store.hearing_dir(sample_slug)
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))
    assert not store.path(sample_slug, "chapters").exists()
    for name in FINISHED_BEFORE_CHAPTER:  # what exists is whole and valid
        assert store.header(sample_slug, name) is not None
    assert [rows(factory, model) for model in (TranscriptLine, Speaker, Chapter)] == [0, 0, 0]
    assert runs(factory)[-1] == ("chapter", "running")
    before = {name: store.header(sample_slug, name).created for name in FINISHED_BEFORE_CHAPTER}

    report = process_hearing(sample_slug, chapterer="offline")

    assert report.status == "draft"
    redone = [o.stage for o in report.stages if not o.skipped]
    assert redone == [Stage.CHAPTER, Stage.STORE]
    after = {name: store.header(sample_slug, name).created for name in FINISHED_BEFORE_CHAPTER}
    assert after == before
    with factory() as session:
        killed = session.scalar(select(StageRun).where(StageRun.stage == "chapter"))
        assert killed.status == "failed" and killed.error.startswith("interrupted")
        assert session.scalar(select(func.count()).select_from(SyncState)) == 0  # lock released
        hearing = session.scalar(select(Hearing))
        assert hearing.status == "draft"
        assert rows(factory, TranscriptLine) == len(hearing.lines) > 0


def test_a_second_run_of_a_busy_hearing_exits_with_a_clear_message(
    factory, sample_slug: str, prefect_api_url: str, tmp_path: Path
) -> None:
    with stalled_in_chapter_stage(sample_slug, prefect_api_url, tmp_path) as stalled:
        first_runs = runs(factory)

        report = process_hearing(sample_slug)

        assert report.status == "busy"
        assert f"already being processed by process {stalled.process.pid}" in report.message
        assert runs(factory) == first_runs  # the second run touched nothing
        with factory() as session:
            assert session.scalar(select(Hearing.status)) == "processing"
    assert [rows(factory, model) for model in (TranscriptLine, Speaker, Chapter)] == [0, 0, 0]
