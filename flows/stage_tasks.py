"""One Prefect task per stage: a thin wrapper that runs the step and records a StageRun.

Tasks take a hearing slug and plain options (never sessions or loaded models), so Prefect
can hash their inputs and a worker on another machine can run them. The artifacts are the
cache: Prefect's own task caching is off. Tasks never retry: each network operation retries
in its own client (`pipeline.http`, the LLM client), so tries do not multiply across layers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.runtime import gpu_slot, run_log, session_factory
from flows.store_stage import store_stage
from models.db import transaction
from pipeline import media_steps
from pipeline.asr import AsrModelUnavailable
from pipeline.chapters.step import ChaptererChoice, run_chapter
from pipeline.config import get_settings
from pipeline.diarization import DiarizationUnavailable
from pipeline.schemas import TokenUsage
from pipeline.speakers import run_identify
from pipeline.stages import HearingContext, Stage, StageResult
from pipeline.store.processing import fail_stage_run, finish_stage_run, start_stage_run

Step = Callable[[HearingContext], StageResult]


@dataclass(frozen=True)
class StageOutcome:
    """What a stage task did: ran, was skipped (fresh artifact) or could not run (a fallback)."""

    stage: Stage
    skipped: bool
    seconds: float
    summary: str = ""
    unavailable: str | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)


def run_recorded(
    slug: str,
    stage: Stage,
    step: Step,
    unavailable: tuple[type[Exception], ...] = (),
) -> StageOutcome:
    """Run `step` for hearing `slug` with a StageRun row that ends succeeded/skipped/failed."""
    factory = session_factory()
    context = HearingContext.for_slug(slug, get_settings())
    with transaction(factory) as session:
        run_id = start_stage_run(session, slug, stage, flow_run.get_id())
    run_log().info("%s: started", stage.value)
    started = time.monotonic()
    try:
        result = step(context)
    except unavailable as error:
        with transaction(factory) as session:
            finish_stage_run(session, run_id, StageResult(stage, True, ""), note=str(error))
        return StageOutcome(stage, True, time.monotonic() - started, unavailable=str(error))
    except Exception as error:
        with transaction(factory) as session:
            fail_stage_run(session, run_id, f"{type(error).__name__}: {error}")
        raise
    with transaction(factory) as session:
        finish_stage_run(session, run_id, result)
    outcome = StageOutcome(
        stage, result.skipped, time.monotonic() - started, result.summary, usage=result.usage
    )
    verb = "up to date, skipped" if result.skipped else f"done in {outcome.seconds:.1f} s"
    run_log().info("%s: %s %s", stage.value, verb, result.summary)
    return outcome


def record_not_needed(slug: str, stage: Stage, reason: str) -> StageOutcome:
    """A StageRun saying why a stage did not run, so the status table shows it."""
    with transaction(session_factory()) as session:
        run_id = start_stage_run(session, slug, stage, flow_run.get_id())
        finish_stage_run(session, run_id, StageResult(stage, True, ""), note=reason)
    return StageOutcome(stage, True, 0.0, summary=reason)


class DownloadProgress:
    """Logs a long download every tenth of the way (or every 100 MB when the size is unknown)."""

    def __init__(self) -> None:
        self.logged_step = -1

    def __call__(self, done: int, total: int | None) -> None:
        step = done * 10 // total if total else done // 100_000_000
        if step > self.logged_step:
            self.logged_step = step
            shown = f"{step * 10}%" if total else f"{done / 1e6:.0f} MB"
            run_log().info("acquire: downloaded %s", shown)


class FractionLog:
    """Logs a long stage's progress every tenth of the way ("transcribe: 30%")."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.logged_tenth = 0

    def __call__(self, fraction: float) -> None:
        tenth = int(fraction * 10)
        if tenth > self.logged_tenth:
            self.logged_tenth = tenth
            run_log().info("%s: %d%%", self.stage.value, tenth * 10)


@task(name="acquire", cache_policy=NO_CACHE)
def acquire_task(
    slug: str, source: str, captions: str | None = None, force: bool = False
) -> StageOutcome:
    def step(context: HearingContext) -> StageResult:
        return media_steps.run_acquire(
            context, source, captions=captions, force=force, progress=DownloadProgress()
        )

    return run_recorded(slug, Stage.ACQUIRE, step)


@task(name="audio", cache_policy=NO_CACHE)
def audio_task(slug: str, force: bool = False) -> StageOutcome:
    return run_recorded(slug, Stage.AUDIO, lambda c: media_steps.run_audio(c, force=force))


@task(name="transcribe", cache_policy=NO_CACHE)
def transcribe_task(slug: str, force: bool = False) -> StageOutcome:
    with gpu_slot():
        return run_recorded(
            slug,
            Stage.TRANSCRIBE,
            lambda c: media_steps.run_transcribe(
                c, force=force, progress=FractionLog(Stage.TRANSCRIBE)
            ),
            unavailable=(AsrModelUnavailable,),
        )


@task(name="diarize", cache_policy=NO_CACHE)
def diarize_task(slug: str, force: bool = False) -> StageOutcome:
    with gpu_slot():
        return run_recorded(
            slug,
            Stage.DIARIZE,
            lambda c: media_steps.run_diarize(c, force=force, progress=FractionLog(Stage.DIARIZE)),
            unavailable=(DiarizationUnavailable,),
        )


@task(name="attribute", cache_policy=NO_CACHE)
def attribute_task(slug: str, from_captions: bool, force: bool = False) -> StageOutcome:
    step = media_steps.run_captions if from_captions else media_steps.run_attribute
    return run_recorded(slug, Stage.ATTRIBUTE, lambda c: step(c, force=force))


@task(name="identify", cache_policy=NO_CACHE)
def identify_task(slug: str, force: bool = False) -> StageOutcome:
    return run_recorded(slug, Stage.IDENTIFY, lambda c: run_identify(c, force=force))


@task(name="chapter", cache_policy=NO_CACHE)
def chapter_task(
    slug: str, chapterer: ChaptererChoice = "auto", force: bool = False
) -> StageOutcome:
    return run_recorded(
        slug, Stage.CHAPTER, lambda c: run_chapter(c, chapterer=chapterer, force=force)
    )


@task(name="store", cache_policy=NO_CACHE)
def store_task(slug: str, force: bool = False) -> StageOutcome:
    return run_recorded(slug, Stage.STORE, lambda c: store_stage(session_factory(), c, force=force))
