"""`process-hearing`: one hearing through every stage, resumable and one run at a time.

Each stage skips itself when its artifact is fresh, so a run after a crash redoes only
what was not finished. `from_stage` forces that stage and the ones after it to re-run.
Missing models fall back, each said in one line: no ASR model → the captions; no pyannote →
the recognizer's words with the captions' speaker marks (one speaker without captions);
no LLM → the offline chapterer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prefect import flow
from sqlalchemy.orm import Session

from flows.roster import roster_for
from flows.runtime import ensure_gpu_limit, run_log, session_factory
from flows.stage_tasks import (
    StageOutcome,
    acquire_task,
    attribute_task,
    audio_task,
    chapter_task,
    diarize_task,
    identify_task,
    record_not_needed,
    store_task,
    transcribe_task,
)
from models import Hearing, HearingStatus
from models.db import transaction
from pipeline.artifacts import ArtifactStore, fingerprint, remove_partial_files
from pipeline.chapters.step import ChaptererChoice
from pipeline.config import get_settings
from pipeline.errors import HearingsError
from pipeline.llm import LlmUnavailable
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import TokenUsage
from pipeline.sources.manual import is_url
from pipeline.stages import Stage
from pipeline.store.hearing_lock import HearingBusy, HearingLock
from pipeline.store.processing import close_interrupted_runs, hearing_by_slug, set_status
from pipeline.store.roster import RosterError


@dataclass(frozen=True)
class HearingReport:
    slug: str
    status: str
    stages: list[StageOutcome] = field(default_factory=list)
    message: str = ""

    @property
    def usage(self) -> TokenUsage:
        return sum((outcome.usage for outcome in self.stages), TokenUsage())


class StageRunner:
    """Runs the stages of one hearing in order, forcing those from `from_stage` on."""

    def __init__(
        self, slug: str, lock: HearingLock, from_stage: Stage | None, chapterer: ChaptererChoice
    ) -> None:
        self.slug = slug
        self.lock = lock
        self.forced = set(from_stage.and_after()) if from_stage else set()
        self.chapterer = chapterer
        self.outcomes: list[StageOutcome] = []

    def force(self, stage: Stage) -> bool:
        return stage in self.forced

    def record(self, outcome: StageOutcome) -> StageOutcome:
        self.outcomes.append(outcome)
        self.lock.renew()
        return outcome

    def run(self, source: str, captions: str | None) -> list[StageOutcome]:
        self.record(acquire_task(self.slug, source, captions, self.force(Stage.ACQUIRE)))
        self.record(audio_task(self.slug, self.force(Stage.AUDIO)))
        from_captions = not self._recognized()
        self.record(attribute_task(self.slug, from_captions, self.force(Stage.ATTRIBUTE)))
        self.record(identify_task(self.slug, self.force(Stage.IDENTIFY)))
        if self.chapterer == "auto" and not get_settings().llm.configured:
            run_log().warning(
                "fallback: no LLM is configured, so the offline chapterer writes chapters"
            )
        self.record(chapter_task(self.slug, self.chapterer, self.force(Stage.CHAPTER)))
        self.record(store_task(self.slug, self.force(Stage.STORE)))
        return self.outcomes

    def _recognized(self) -> bool:
        """Transcribe and diarize; False when there is no recognizer (use the captions)."""
        transcript = self.record(transcribe_task(self.slug, self.force(Stage.TRANSCRIBE)))
        if transcript.unavailable:
            run_log().warning(
                "fallback: no speech recognition model (%s), so lines come from the captions",
                transcript.unavailable,
            )
            reason = "not needed: lines come from the captions"
            self.record(record_not_needed(self.slug, Stage.DIARIZE, reason))
            return False
        diarization = self.record(diarize_task(self.slug, self.force(Stage.DIARIZE)))
        if diarization.unavailable:
            run_log().warning(
                "fallback: no diarization pipeline (%s), so the recognizer's words get their "
                "speakers from the captions' '>>' marks (one speaker without captions)",
                diarization.unavailable,
            )
        return True


class NothingToProcess(HearingsError, ValueError):
    """The hearing has no video (yet): nothing is changed."""


class LlmUnreachable(HearingsError, RuntimeError):
    """The LLM could not be reached; the hearing keeps its earlier chapters and status."""


def _llm_unreachable(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, LlmUnavailable):
            return True
        cause = cause.__cause__
    return False


def _previous_state(slug: str) -> tuple[HearingStatus, bool]:
    """The hearing's status before this run, and whether it has chapters to keep."""
    with session_factory()() as session:
        hearing = hearing_by_slug(session, slug)
        return HearingStatus(hearing.status), bool(hearing.chapters)


def _check_processable(slug: str) -> None:
    """Fail before anything changes for an unknown hearing or one without a video."""
    with session_factory()() as session:
        hearing = hearing_by_slug(session, slug)
        if not hearing.video_url:
            reason = f" ({hearing.status_reason})" if hearing.status_reason else ""
            raise NothingToProcess(f"hearing {slug!r} has no video to process{reason}")


def _claim(slug: str, wait_seconds: float) -> HearingLock:
    lock = HearingLock(session_factory(), slug)
    lock.claim(wait_seconds=wait_seconds)
    return lock


def _write_roster(session: Session, hearing: Hearing) -> None:
    """`roster.json` for the stages (names for speech recognition and speaker naming, with
    the agenda's item titles) when the database knows who sits on the hearing's committee."""
    try:
        members = roster_for(session, hearing.id)
    except RosterError as error:
        run_log().info("%s: no roster (%s); speakers stay unnamed", hearing.slug, error)
        return
    agenda = [
        str(item.get("matter_name") or item.get("title"))
        for item in hearing.details.get("agenda") or []
        if item.get("matter_name") or item.get("title")
    ]
    roster = Roster(members=members, agenda=agenda)
    ArtifactStore(get_settings().hearings_dir).write(
        hearing.slug,
        ROSTER_ARTIFACT,
        roster,
        stage_version="1",
        input_fingerprint=fingerprint(roster),
    )


def _start(slug: str) -> tuple[str, str | None]:
    """Mark the hearing processing (closing runs a dead process left open), write its
    roster; its media and captions."""
    with transaction(session_factory()) as session:
        interrupted = close_interrupted_runs(session, slug)
        hearing = hearing_by_slug(session, slug)
        set_status(session, slug, HearingStatus.PROCESSING)
        source, captions = hearing.video_url, hearing.captions_url
        _write_roster(session, hearing)
    if interrupted:
        run_log().warning(
            "%s: %d stage run(s) were interrupted last time; resuming", slug, interrupted
        )
    folder = ArtifactStore(get_settings().hearings_dir).hearing_dir(slug)
    removed = remove_partial_files(folder, keep_downloads=is_url(source or ""))
    if removed:
        run_log().info("%s: removed partial files of an interrupted run: %s", slug, removed)
    return source or "", captions


def _finish(slug: str, status: HearingStatus, error: str | None = None) -> None:
    with transaction(session_factory()) as session:
        set_status(session, slug, status, error)


@flow(name="process-hearing")
def process_hearing(
    slug: str,
    from_stage: Stage | None = None,
    chapterer: ChaptererChoice = "auto",
    wait_seconds: float = 0.0,
) -> HearingReport:
    """Process one hearing; a second run of the same hearing waits `wait_seconds`, then exits."""
    log = run_log()
    _check_processable(slug)
    try:
        lock = _claim(slug, wait_seconds)
    except HearingBusy as busy:
        log.warning("%s", busy)
        return HearingReport(slug, "busy", message=str(busy))
    previous, has_chapters = _previous_state(slug)
    try:
        ensure_gpu_limit()
        outcomes = StageRunner(slug, lock, from_stage, chapterer).run(*_start(slug))
        _finish(slug, HearingStatus.DRAFT)
    except Exception as error:
        if _llm_unreachable(error) and has_chapters:
            _finish(slug, previous)
            raise LlmUnreachable(
                f"the LLM could not be reached ({error}); {slug} keeps its earlier chapters "
                f"and its status ({previous.value})"
            ) from error
        _finish(slug, HearingStatus.FAILED, f"{type(error).__name__}: {error}")
        raise
    finally:
        lock.release()
    log.info("%s: chapters are ready for review", slug)
    return HearingReport(slug, HearingStatus.DRAFT.value, outcomes)
