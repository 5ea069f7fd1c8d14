"""`process-hearing`: one hearing through every stage, resumable and one run at a time.

`hearing_line` is README's diagram in code: the stages in order, with their fallbacks
(no ASR model → lines from the captions; no pyannote → the recognizer's words with speakers
from the captions' `>>` marks, one speaker without captions; no LLM → the offline
chapterer), each said in one line. Each stage skips itself when its artifact is fresh, so a
run after a crash redoes only what was not finished; `from_stage` forces that stage and the
ones after it to re-run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow
from prefect.runtime import flow_run

from flows.hearing_run import (
    HearingStart,
    Line,
    LineEnd,
    check_processable,
    describe_failure,
    finish_hearing,
    record_not_needed,
    start_hearing,
)
from flows.runtime import ensure_gpu_limit, run_log, session_factory
from flows.stage_task import stage_task
from flows.store_stage import STORE_STAGE
from models import HearingStatus
from pipeline.artifacts import remove_partial_files
from pipeline.chapters.options import ChaptererChoice
from pipeline.config import Settings, get_settings
from pipeline.errors import HearingsError
from pipeline.llm import LlmUnavailable
from pipeline.schemas import TokenUsage
from pipeline.sources.manual import is_url
from pipeline.stages import HearingContext, Outcome, Stage, declared
from pipeline.store.hearing_lock import HearingBusy, HearingLock


@dataclass(frozen=True)
class HearingReport:
    slug: str
    status: str
    stages: list[Outcome] = field(default_factory=list)
    message: str = ""

    @property
    def usage(self) -> TokenUsage:
        return sum((outcome.usage for outcome in self.stages), TokenUsage())


class LlmUnreachable(HearingsError, RuntimeError):
    """The LLM could not be reached; the hearing keeps its earlier chapters and status."""


def _llm_unreachable(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, LlmUnavailable):
            return True
        cause = cause.__cause__
    return False


def hearing_line(
    line: Line, start: HearingStart, chapterer: ChaptererChoice, *, llm: bool, models: bool
) -> None:
    """roster ─► acquire ─► audio ─► transcribe ─► diarize ─► attribute ─► identify ─► chapter
    ─► store, as README draws it. `llm`: an LLM is configured; `models`: use the speech
    models (False: lines straight from the captions, `hearings transcribe --captions`)."""
    line.run(declared("roster"), **start.roster_params())
    line.run(declared("acquire"), source=start.source, captions=start.captions)
    line.run(declared("audio"))
    if not models:
        for stage in (Stage.TRANSCRIBE, Stage.DIARIZE):
            line.skip(stage, "not asked: lines come from the captions")
        line.run(declared("captions"))
    elif (words := line.run(declared("transcribe"))).unavailable:
        line.fallback(f"no speech recognition model ({words.unavailable}); using the captions "
                      "instead")  # fmt: skip
        line.skip(Stage.DIARIZE, "not needed: lines come from the captions")
        line.run(declared("captions"))
    else:
        if (speakers := line.run(declared("diarize"))).unavailable:
            line.fallback(f"no diarization pipeline ({speakers.unavailable}), so the recognizer's "
                          "words get their speakers from the captions' '>>' marks (one speaker "
                          "without captions)")  # fmt: skip
        line.run(declared("attribute"))
    line.run(declared("identify"))
    if chapterer == "auto" and not llm:
        line.fallback("no LLM is configured, so the offline chapterer writes chapters")
    line.run(declared("chapter"), chapterer=chapterer)
    line.run(STORE_STAGE)


def run_line(
    line: Line,
    context: HearingContext,
    lock: HearingLock,
    chapterer: ChaptererChoice,
    *,
    models: bool = True,
) -> list[Outcome]:
    """Start the hearing, run its line, and leave its status: draft when stored, as it
    was when the caller stopped early, failed with the error otherwise."""
    factory = session_factory(context.settings)
    start = start_hearing(factory, context.slug)
    if start.interrupted:
        line.say(f"{context.slug}: {start.interrupted} stage run(s) were interrupted last time; "
                 "resuming")  # fmt: skip
    removed = remove_partial_files(context.folder, keep_downloads=is_url(start.source))
    if removed:
        line.say(f"{context.slug}: removed partial files of an interrupted run: {removed}")
    line.after_each = lock.renew
    try:
        hearing_line(line, start, chapterer, llm=context.settings.llm.configured, models=models)
        status = HearingStatus.DRAFT
    except LineEnd:
        status = HearingStatus(start.status_before)
    except Exception as error:
        if _llm_unreachable(error) and start.has_chapters:
            finish_hearing(factory, context.slug, start.status_before)
            raise LlmUnreachable(
                f"the LLM could not be reached ({error}); {context.slug} keeps its earlier "
                f"chapters and its status ({start.status_before})"
            ) from error
        finish_hearing(factory, context.slug, HearingStatus.FAILED, describe_failure(error))
        raise
    finish_hearing(factory, context.slug, status)
    return line.outcomes


def prefect_line(context: HearingContext, from_stage: Stage | None) -> Line:
    """A line whose stages run as Prefect tasks of this flow run."""
    factory = session_factory(context.settings)
    return Line(
        execute=lambda declaration, params, force: stage_task(
            context, declaration.key, params, force
        ),
        not_needed=lambda stage, reason: record_not_needed(
            factory, context.slug, stage, reason, flow_run.get_id()
        ),
        say=run_log().warning,
        forced=frozenset(from_stage.and_after() if from_stage else ()),
    )


def claim(settings: Settings, slug: str, wait_seconds: float) -> HearingLock:
    """The hearing's claim, after checking there is something to process."""
    factory = session_factory(settings)
    check_processable(factory, slug)
    lock = HearingLock(factory, slug)
    lock.claim(wait_seconds=wait_seconds)
    return lock


@flow(name="process-hearing")
def process_hearing(
    slug: str,
    from_stage: Stage | None = None,
    chapterer: ChaptererChoice = "auto",
    wait_seconds: float = 0.0,
) -> HearingReport:
    """Process one hearing; a second run of the same hearing waits `wait_seconds`, then exits."""
    settings = get_settings()  # the flow is where settings enter; everything below is given them
    log = run_log()
    try:
        lock = claim(settings, slug, wait_seconds)
    except HearingBusy as busy:
        log.warning("%s", busy)
        return HearingReport(slug, "busy", message=str(busy))
    context = HearingContext.for_slug(slug, settings)
    try:
        ensure_gpu_limit()
        outcomes = run_line(prefect_line(context, from_stage), context, lock, chapterer)
    finally:
        lock.release()
    log.info("%s: chapters are ready for review", slug)
    return HearingReport(slug, HearingStatus.DRAFT.value, outcomes)
