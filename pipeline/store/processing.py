"""Hearings being processed: manual hearings from a URL or file, status, and StageRun rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Hearing, HearingStatus, StageRun, StageStatus
from pipeline.artifacts import validate_slug
from pipeline.schemas import TokenUsage
from pipeline.sources.slugs import slug_for_source, source_name, viebit_recording

MAX_ERROR_CHARS = 4000
INTERRUPTED = "interrupted: the process running this stage ended before it finished"


class HearingNotFound(LookupError):
    """No hearing has the given slug or Legistar event id."""


class SourceNotFound(FileNotFoundError):
    """A local media file given to ingest does not exist."""


class SlugTaken(ValueError):
    """A slug asked for a new hearing already names another one."""


def is_url(source: str) -> bool:
    return urlparse(source).scheme in {"http", "https"}


def normalize_source(source: str) -> str:
    """A URL as given, or a local file as an absolute path (which must exist)."""
    if is_url(source):
        return source
    path = Path(source).expanduser()
    if not path.is_file():
        raise SourceNotFound(f"{source}: no such media file")
    return str(path.resolve())


def sibling_captions(source: str) -> str | None:
    """`talk.vtt` beside a local `talk.mp4`: the captions that came with the file."""
    if is_url(source):
        return None
    captions = Path(source).with_suffix(".vtt")
    return str(captions) if captions.is_file() else None


def hearing_for_source(session: Session, source: str) -> Hearing | None:
    """The hearing already made for this (normalized) source, whichever path made it: the
    same URL or file, or the same Viebit recording behind its page or its direct MP4."""
    found = session.scalar(select(Hearing).where(Hearing.video_url == source).limit(1))
    recording = viebit_recording(source)
    if found is not None or recording is None:
        return found
    name = recording.group(0)
    candidates = session.scalars(select(Hearing).where(Hearing.video_url.contains(name)))
    return next((row for row in candidates if _same_recording(row, name)), None)


def _same_recording(hearing: Hearing, name: str) -> bool:
    page = hearing.details.get("legistar", {}).get("video_page") or ""
    return any(
        (found := viebit_recording(url)) is not None and found.group(0) == name
        for url in (hearing.video_url or "", page)
    )


def ensure_manual_hearing(
    session: Session, source: str, title: str | None = None, slug: str | None = None
) -> Hearing:
    """The hearing for a URL or file, created on first use (ingesting twice reuses it).

    `slug` names the folder of a new hearing; a source that has a hearing keeps its slug.
    """
    normalized = normalize_source(source)
    hearing = hearing_for_source(session, normalized)
    if hearing is None:
        slug = validate_slug(slug or slug_for_source(normalized))
        if session.scalar(select(Hearing.id).where(Hearing.slug == slug)) is not None:
            raise SlugTaken(f"the slug {slug!r} is taken by another hearing: choose another")
        name = source_name(normalized).replace("-", " ").replace("_", " ")
        hearing = Hearing(
            slug=slug,
            title=title or name or slug,
            video_url=normalized,
            captions_url=sibling_captions(normalized),
            status=HearingStatus.DISCOVERED,
            details={"source": "manual"},
        )
        session.add(hearing)
        session.flush()
    return hearing


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
        stage=stage,
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
    session: Session,
    run_id: int,
    *,
    skipped: bool,
    fingerprint: str = "",
    usage: TokenUsage | None = None,
    note: str | None = None,
) -> None:
    """Record a finished stage; `note` says why a skipped stage did not run (a fallback)."""
    run = session.get_one(StageRun, run_id)
    usage = usage or TokenUsage()
    _close(run, StageStatus.SKIPPED if skipped or note else StageStatus.SUCCEEDED)
    run.fingerprint = fingerprint or None
    run.tokens_in = usage.tokens_in
    run.tokens_out = usage.tokens_out
    run.cost_usd = usage.cost_usd
    run.error = note


def fail_stage_run(session: Session, run_id: int, error: str) -> None:
    run = session.get_one(StageRun, run_id)
    _close(run, StageStatus.FAILED)
    run.error = error[:MAX_ERROR_CHARS]


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
            StageRun.stage == stage,
            StageRun.status == StageStatus.SUCCEEDED,
        )
        .order_by(StageRun.id.desc())
        .limit(1)
    )
