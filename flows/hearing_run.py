"""One run of one hearing, the same on every path (Prefect flow, `hearings transcribe`).

A run claims the hearing, marks it processing, gathers its roster from the database and
runs the stages in order; each stage gets a StageRun row that ends succeeded, skipped
(fresh, or a fallback with its reason) or failed. How a stage is executed — as a Prefect
task, or in this process with Rich bars — is the caller's choice (`Line.execute`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from logging import Logger, LoggerAdapter
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from flows.roster import roster_for
from models import HearingStatus
from models.db import transaction
from pipeline.errors import HearingsError
from pipeline.progress import StageProgress
from pipeline.roster import RosterMember
from pipeline.stages import HearingContext, Outcome, Stage, StageDeclaration, run_stage
from pipeline.store.processing import (
    close_interrupted_runs,
    fail_stage_run,
    finish_stage_run,
    hearing_by_slug,
    set_status,
    start_stage_run,
)
from pipeline.store.roster import RosterError

Log = Logger | LoggerAdapter[Logger]
Execute = Callable[[StageDeclaration[Any], Mapping[str, Any], bool], Outcome]


class NothingToProcess(HearingsError, ValueError):
    """The hearing has no video (yet): nothing is changed."""


class LineEnd(Exception):
    """The run stops before this stage: the caller asked for the stages up to an earlier one."""


@dataclass
class Line:
    """Runs stages in order and keeps their outcomes; `forced` stages ignore fresh artifacts."""

    execute: Execute
    not_needed: Callable[[Stage, str], Outcome]
    say: Callable[[str], None]
    forced: frozenset[Stage] = frozenset()
    until: Stage = Stage.STORE
    after_each: Callable[[], None] = lambda: None
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, declaration: StageDeclaration[Any], **params: Any) -> Outcome:
        self._check_wanted(declaration.name)
        outcome = self.execute(declaration, params, declaration.name in self.forced)
        return self._keep(outcome)

    def skip(self, stage: Stage, reason: str) -> Outcome:
        """Record that `stage` is not needed on this path (diarize when lines are captions)."""
        self._check_wanted(stage)
        return self._keep(self.not_needed(stage, reason))

    def fallback(self, message: str) -> None:
        self.say(f"fallback: {message}")

    def _check_wanted(self, stage: Stage) -> None:
        if stage not in self.until.up_to():
            raise LineEnd(stage)

    def _keep(self, outcome: Outcome) -> Outcome:
        self.outcomes.append(outcome)
        self.after_each()
        return outcome


@dataclass(frozen=True)
class HearingStart:
    """What a run needs from the hearing's record: its media, captions and roster."""

    source: str
    captions: str | None
    status_before: str
    members: list[RosterMember] | None = None
    no_roster: str | None = None
    agenda: list[str] = field(default_factory=list)
    interrupted: int = 0
    # Whether the hearing has stored chapters (an unreachable LLM leaves them and its status).
    has_chapters: bool = False

    def roster_params(self) -> dict[str, Any]:
        return {"members": self.members, "agenda": self.agenda, "missing_because": self.no_roster}


def check_processable(factory: sessionmaker[Session], slug: str) -> None:
    """Fail before anything changes for an unknown hearing or one without a video."""
    with factory() as session:
        hearing = hearing_by_slug(session, slug)
        if not hearing.video_url:
            reason = f" ({hearing.status_reason})" if hearing.status_reason else ""
            raise NothingToProcess(f"hearing {slug!r} has no video to process{reason}")


def start_hearing(factory: sessionmaker[Session], slug: str) -> HearingStart:
    """Mark the hearing processing (closing runs a dead process left open) and gather what
    its stages need, the roster of its committee on its date included."""
    with transaction(factory) as session:
        interrupted = close_interrupted_runs(session, slug)
        hearing = hearing_by_slug(session, slug)
        before = str(hearing.status)
        set_status(session, slug, HearingStatus.PROCESSING)
        try:
            members, no_roster = roster_for(session, hearing.id), None
        except RosterError as error:
            members, no_roster = None, f"no roster ({error}); speakers stay unnamed"
        return HearingStart(
            hearing.video_url or "", hearing.captions_url, before, members, no_roster,
            agenda_titles(hearing.details), interrupted, bool(hearing.chapters),
        )  # fmt: skip


def agenda_titles(details: dict[str, Any]) -> list[str]:
    """The titles of the hearing's agenda items (speaker naming reads them with the roster)."""
    items = details.get("agenda") or []
    return [str(item.get("matter_name") or item["title"]) for item in items
            if item.get("matter_name") or item.get("title")]  # fmt: skip


def finish_hearing(
    factory: sessionmaker[Session], slug: str, status: str, error: str | None = None
) -> None:
    with transaction(factory) as session:
        set_status(session, slug, HearingStatus(status), error)


def describe_failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def record_stage(
    factory: sessionmaker[Session],
    context: HearingContext,
    declaration: StageDeclaration[Any],
    *,
    params: Mapping[str, Any],
    force: bool,
    progress: StageProgress,
    flow_run_id: str | None,
    log: Log,
) -> Outcome:
    """Run one stage with a StageRun row that ends succeeded, skipped or failed."""
    stage = declaration.name.value
    with transaction(factory) as session:
        run_id = start_stage_run(session, context.slug, stage, flow_run_id)
    log.info("%s: started", stage)
    try:
        outcome = run_stage(declaration, context, params=params, force=force, progress=progress)
    except Exception as error:
        with transaction(factory) as session:
            spent = getattr(error, "usage", None)  # an LlmError's tokens, spent before failing
            fail_stage_run(session, run_id, describe_failure(error), spent)
        raise
    with transaction(factory) as session:
        finish_stage_run(session, run_id, outcome, note=outcome.unavailable)
    if outcome.unavailable:
        log.info("%s: unavailable: %s", stage, outcome.unavailable)
    else:
        verb = "up to date, skipped" if outcome.skipped else f"done in {outcome.seconds:.1f} s"
        log.info("%s: %s %s", stage, verb, outcome.summary)
    return outcome


def record_not_needed(
    factory: sessionmaker[Session], slug: str, stage: Stage, reason: str, flow_run_id: str | None
) -> Outcome:
    """A StageRun saying why a stage did not run, so the status table shows it."""
    outcome = Outcome(stage, True, summary=reason)
    with transaction(factory) as session:
        run_id = start_stage_run(session, slug, stage.value, flow_run_id)
        finish_stage_run(session, run_id, outcome, note=reason)
    return outcome
