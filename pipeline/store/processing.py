"""Hearings being processed: manual hearings from a URL or file, status, and StageRun rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Hearing, HearingStatus, StageRun, StageStatus
from pipeline.artifacts import slugify
from pipeline.stages import Stage, StageResult

MAX_ERROR_CHARS = 4000
SOURCE_NAME_LENGTH = 60
INTERRUPTED = "interrupted: the process running this stage ended before it finished"


class HearingNotFound(LookupError):
    """No hearing has the given slug or Legistar event id."""


class SourceNotFound(FileNotFoundError):
    """A local media file given to ingest does not exist."""


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


def slug_for_source(source: str) -> str:
    """The same URL or file always gives the same slug: a readable name plus a short hash."""
    normalized = normalize_source(source)
    if is_url(normalized):
        parsed = urlparse(normalized)
        name = Path(parsed.path).stem or parsed.netloc
    else:
        name = Path(normalized).stem
    digest = hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(name, SOURCE_NAME_LENGTH)}-{digest}"


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


def ensure_manual_hearing(session: Session, source: str, title: str | None = None) -> Hearing:
    """The hearing for a URL or file, created on first use (ingesting twice reuses it)."""
    normalized = normalize_source(source)
    slug = slug_for_source(normalized)
    hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
    if hearing is None:
        default_title = Path(urlparse(normalized).path).stem.replace("-", " ").replace("_", " ")
        hearing = Hearing(
            slug=slug,
            title=title or default_title or slug,
            video_url=normalized,
            captions_url=sibling_captions(normalized),
            status=HearingStatus.DISCOVERED,
            details={"source": "manual"},
        )
        session.add(hearing)
        session.flush()
    return hearing


def attach_source(session: Session, hearing: Hearing, source: str) -> None:
    """Give a known hearing (a Legistar event) a video from a URL or file of one's own."""
    normalized = normalize_source(source)
    if hearing.video_url != normalized:
        hearing.video_url, hearing.captions_url = normalized, sibling_captions(normalized)
        if hearing.status in {HearingStatus.WAITING_FOR_VIDEO, HearingStatus.SKIPPED}:
            hearing.status, hearing.status_reason = HearingStatus.DISCOVERED, None


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


def start_stage_run(session: Session, slug: str, stage: Stage, flow_run_id: str | None) -> int:
    """A running StageRun; the hearing's status reason says which stage it is in."""
    hearing = hearing_by_slug(session, slug)
    hearing.status_reason = f"in stage {stage.value}"
    run = StageRun(
        hearing_id=hearing.id,
        stage=stage.value,
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
    session: Session, run_id: int, result: StageResult, *, note: str | None = None
) -> None:
    """Record a finished stage; `note` says why a skipped stage did not run (a fallback)."""
    run = session.get_one(StageRun, run_id)
    _close(run, StageStatus.SKIPPED if result.skipped or note else StageStatus.SUCCEEDED)
    run.fingerprint = result.fingerprint or None
    run.tokens_in = result.usage.tokens_in
    run.tokens_out = result.usage.tokens_out
    run.cost_usd = result.usage.cost_usd
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


def last_success_fingerprint(session: Session, hearing_id: int, stage: Stage) -> str | None:
    """The fingerprint of the newest run of `stage` that did its work and succeeded."""
    return session.scalar(
        select(StageRun.fingerprint)
        .where(
            StageRun.hearing_id == hearing_id,
            StageRun.stage == stage.value,
            StageRun.status == StageStatus.SUCCEEDED,
        )
        .order_by(StageRun.id.desc())
        .limit(1)
    )
