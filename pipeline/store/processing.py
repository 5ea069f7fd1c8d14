"""Hearings being processed: manual hearings from a URL or file, status, and StageRun rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Hearing, HearingStatus, StageRun, StageStatus
from pipeline.errors import HearingsError
from pipeline.records import ManualHearing
from pipeline.schemas import TokenUsage

MAX_ERROR_CHARS = 4000
INTERRUPTED = "interrupted: the process running this stage ended before it finished"


class HearingNotFound(HearingsError, LookupError):
    """No hearing has the given slug or Legistar event id."""


class StageResultRow(Protocol):
    """What a StageRun records of a finished stage (the stages' result type has these)."""

    @property
    def skipped(self) -> bool: ...

    @property
    def fingerprint(self) -> str: ...

    @property
    def usage(self) -> TokenUsage: ...


@dataclass(frozen=True)
class ManualDetails:
    """What a person may say about a hearing given by hand: shown title, date, committee
    (the date and committee give it a roster)."""

    title: str | None = None
    scheduled_at: datetime | None = None
    body_name: str | None = None

    def apply(self, hearing: Hearing) -> list[str]:
        """Set the given fields that differ; the names of those changed."""
        changed = []
        for name in ("title", "scheduled_at", "body_name"):
            value = getattr(self, name)
            if value is not None and getattr(hearing, name) != value:
                setattr(hearing, name, value)
                changed.append(name)
        return changed


def attach_source(hearing: Hearing, manual: ManualHearing) -> None:
    """Give a known hearing (a Legistar event) a video from a URL or file of one's own."""
    if hearing.video_url != manual.video_url:
        hearing.video_url, hearing.captions_url = manual.video_url, manual.captions_url
        if hearing.status in {HearingStatus.WAITING_FOR_VIDEO, HearingStatus.SKIPPED}:
            hearing.status, hearing.status_reason = HearingStatus.DISCOVERED, None


def ensure_manual_hearing(session: Session, manual: ManualHearing) -> Hearing:
    """The hearing for a URL or file, created on first use (ingesting twice reuses it).

    One source has one hearing on every path: the hearing of this video (the same URL or
    file, or the MP4 or Viebit page of a discovered hearing), else the one with this
    source's slug (the same Viebit recording behind its page or its MP4), else a new one.
    """
    hearing = _hearing_with_video(session, manual.video_url) or session.scalar(
        select(Hearing).where(Hearing.slug == manual.slug)
    )
    if hearing is None:
        hearing = Hearing(
            slug=manual.slug,
            title=manual.title,
            video_url=manual.video_url,
            captions_url=manual.captions_url,
            status=HearingStatus.DISCOVERED,
            details={"source": "manual"},
        )
        session.add(hearing)
        session.flush()
    return hearing


def _hearing_with_video(session: Session, video: str) -> Hearing | None:
    """The hearing whose video file is `video`, or a discovered one whose video page it is."""
    found = session.scalar(select(Hearing).where(Hearing.video_url == video).limit(1))
    if found is not None:
        return found
    discovered = session.scalars(select(Hearing).where(Hearing.legistar_event_id.is_not(None)))
    return next(
        (row for row in discovered if row.details.get("legistar", {}).get("video_page") == video),
        None,
    )


def manual_hearing_with_video(session: Session, videos: list[str]) -> Hearing | None:
    """A hearing made by hand (no Legistar event yet) from one of these URLs."""
    return session.scalar(
        select(Hearing)
        .where(Hearing.legistar_event_id.is_(None), Hearing.video_url.in_(videos))
        .limit(1)
    )


def hearing_by_slug(session: Session, slug: str) -> Hearing:
    hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
    if hearing is None:
        raise HearingNotFound(f"no hearing with slug {slug!r}")
    return hearing


def hearing_by_event(session: Session, event_id: int) -> Hearing:
    hearing = session.scalar(select(Hearing).where(Hearing.legistar_event_id == event_id))
    if hearing is None:
        raise HearingNotFound(
            f"no hearing for Legistar event {event_id}: run `hearings discover` for its date first"
        )
    return hearing


def set_status(
    session: Session, slug: str, status: HearingStatus, error: str | None = None
) -> None:
    hearing = hearing_by_slug(session, slug)
    hearing.status = status
    hearing.status_reason = None
    hearing.error = error[:MAX_ERROR_CHARS] if error else None


def start_stage_run(session: Session, slug: str, stage: str, flow_run_id: str | None) -> int:
    """A running StageRun; the hearing's status reason says which stage it is in."""
    hearing = hearing_by_slug(session, slug)
    hearing.status_reason = f"in stage {stage}"
    run = StageRun(
        hearing_id=hearing.id,
        stage=str(stage),
        status=StageStatus.RUNNING,
        flow_run_id=flow_run_id,
    )
    session.add(run)
    session.flush()
    return run.id


def _close(run: StageRun, status: StageStatus) -> None:
    run.status = status
    run.finished_at = datetime.now(UTC)
    run.duration_seconds = (run.finished_at - run.started_at).total_seconds()


def finish_stage_run(
    session: Session, run_id: int, result: StageResultRow, *, note: str | None = None
) -> None:
    """Record a finished stage; `note` says why a skipped stage did not run (a fallback)."""
    run = session.get_one(StageRun, run_id)
    _close(run, StageStatus.SKIPPED if result.skipped or note else StageStatus.SUCCEEDED)
    run.fingerprint = result.fingerprint or None
    run.tokens_in = result.usage.tokens_in
    run.tokens_out = result.usage.tokens_out
    run.cost_usd = result.usage.known_cost_usd
    run.error = note


def fail_stage_run(
    session: Session, run_id: int, error: str, usage: TokenUsage | None = None
) -> None:
    """Record a failed stage, with the LLM tokens its answered calls cost before it failed."""
    run = session.get_one(StageRun, run_id)
    _close(run, StageStatus.FAILED)
    run.error = error[:MAX_ERROR_CHARS]
    if usage is not None:
        run.tokens_in, run.tokens_out = usage.tokens_in, usage.tokens_out
        run.cost_usd = usage.known_cost_usd


def close_interrupted_runs(session: Session, slug: str) -> int:
    """Stage runs still marked running from a process that died become failed runs."""
    hearing_id = hearing_by_slug(session, slug).id
    result = session.execute(
        update(StageRun)
        .where(StageRun.hearing_id == hearing_id, StageRun.status == StageStatus.RUNNING)
        .values(status=StageStatus.FAILED, error=INTERRUPTED, finished_at=datetime.now(UTC))
    )
    return result.rowcount or 0


def latest_stage_runs(session: Session, hearing_id: int) -> dict[str, StageRun]:
    """The newest run of each stage of a hearing."""
    runs = session.scalars(
        select(StageRun).where(StageRun.hearing_id == hearing_id).order_by(StageRun.id)
    )
    return {run.stage: run for run in runs}


def last_success_fingerprint(session: Session, hearing_id: int, stage: str) -> str | None:
    """The fingerprint of the newest run of `stage` that did its work and succeeded."""
    return session.scalar(
        select(StageRun.fingerprint)
        .where(
            StageRun.hearing_id == hearing_id,
            StageRun.stage == str(stage),
            StageRun.status == StageStatus.SUCCEEDED,
        )
        .order_by(StageRun.id.desc())
        .limit(1)
    )
