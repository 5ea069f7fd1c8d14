"""The one stage task, its body called with `.fn()`: it records a StageRun around any stage."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from flows.batch import process_one
from flows.stage_task import PrefectProgress, stage_task
from models import Hearing, StageRun
from models.db import transaction
from pipeline.artifacts import ArtifactError
from pipeline.config import Settings
from pipeline.stages import HearingContext, Stage


def stage_runs(factory) -> list[tuple[str, str, str | None]]:
    with factory() as session:
        runs = session.scalars(select(StageRun).order_by(StageRun.id))
        return [(run.stage, run.status, run.error) for run in runs]


def test_stage_tasks_record_what_they_did(settings: Settings, factory, sample_slug, sample_media):
    context = HearingContext.for_slug(sample_slug, settings)
    captions = str(sample_media.with_suffix(".vtt"))
    stage_task.fn(context, "acquire", {"source": str(sample_media), "captions": captions})
    stage_task.fn(context, "audio", {})
    stage_task.fn(context, "captions", {})
    first = stage_task.fn(context, "identify", {})
    again = stage_task.fn(context, "identify", {})

    assert first.stage is Stage.IDENTIFY and not first.skipped and again.skipped
    assert [(stage, status) for stage, status, _ in stage_runs(factory)] == [
        ("acquire", "succeeded"),
        ("audio", "succeeded"),
        ("attribute", "succeeded"),
        ("identify", "succeeded"),
        ("identify", "skipped"),
    ]


def test_a_failing_step_is_recorded_and_raised(settings: Settings, factory, sample_slug) -> None:
    with pytest.raises(ArtifactError, match="lines"):  # nothing before it has run
        stage_task.fn(HearingContext.for_slug(sample_slug, settings), "identify", {})
    ((stage, status, error),) = stage_runs(factory)
    assert (stage, status) == ("identify", "failed") and "ArtifactError" in (error or "")


@pytest.mark.usefixtures("prefect_api_url")
def test_process_one_turns_any_failure_into_a_report(factory) -> None:
    report = process_one.fn("no-such-hearing", None, "auto")
    assert report.status == "failed"
    assert report.message == "no hearing with slug 'no-such-hearing'"


def test_no_stage_task_retries_what_its_client_already_retried() -> None:
    assert stage_task.retries == 0  # one task for every stage


@pytest.mark.usefixtures("prefect_api_url")
def test_a_hearing_without_video_is_left_as_it_was(factory) -> None:
    with transaction(factory) as session:
        session.add(Hearing(slug="no-video-yet", title="Waiting", status="waiting_for_video"))

    report = process_one.fn("no-video-yet", None, "auto")

    assert report.message == "hearing 'no-video-yet' has no video to process"
    with factory() as session:
        assert session.scalar(select(Hearing.status)) == "waiting_for_video"
        assert session.scalar(select(StageRun)) is None


def test_long_stage_progress_is_logged_every_tenth(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="flows")
    log = PrefectProgress("a-hearing", Stage.DIARIZE.value).fraction

    for fraction in (0.0, 0.05, 0.25, 0.29, 0.31, 0.9, 1.0):
        log(fraction)

    assert caplog.messages == ["diarize: 20%", "diarize: 30%", "diarize: 90%", "diarize: 100%"]
