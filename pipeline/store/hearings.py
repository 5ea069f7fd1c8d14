"""Discovered hearings in the database: what is known per event, upserts, the ready list.

The discovery flow (`flows/discovery.py`) reads what is known here, fetches from Legistar,
then writes everything with `write_discovered` in one transaction. Running it twice changes
nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Hearing, HearingStatus, SyncState
from pipeline.records import KnownEvent, PreparedHearing
from pipeline.store.processing import manual_hearing_with_video
from pipeline.store.roster import ChangeCounter, upsert_body

DISCOVERY_MARK = "legistar.events.last_modified_utc"
# Statuses discovery owns; once a hearing is being processed, its status belongs to the flow.
DISCOVERY_STATUSES = {
    HearingStatus.DISCOVERED,
    HearingStatus.WAITING_FOR_VIDEO,
    HearingStatus.SKIPPED,
}


class DiscoveredHearing(BaseModel):
    id: int
    slug: str
    legistar_event_id: int | None
    title: str
    body_name: str | None
    scheduled_at: datetime | None
    video_url: str | None
    captions_url: str | None


class DiscoveryReport(BaseModel):
    events_checked: int
    new: list[str]
    updated: list[str]
    waiting_for_video: list[str]
    skipped: dict[str, str]
    ready: list[DiscoveredHearing]


def write_discovered(
    session: Session, prepared: list[PreparedHearing], mark: datetime | None
) -> DiscoveryReport:
    """Upsert the prepared hearings and advance the discovery mark past what was seen."""
    report = _write(session, prepared)
    _advance_mark(session, mark, [hearing.plan.last_modified_utc for hearing in prepared])
    return report


def _write(session: Session, prepared: list[PreparedHearing]) -> DiscoveryReport:
    rows = {row.legistar_event_id: row for row in session.scalars(select(Hearing))}
    taken_slugs = {row.slug for row in rows.values()}
    report = DiscoveryReport(
        events_checked=len(prepared),
        new=[],
        updated=[],
        waiting_for_video=[],
        skipped={},
        ready=[],
    )
    # Events with a video first, so a placeholder event never takes the plain slug from them.
    for hearing in sorted(
        prepared, key=lambda item: (not item.video_url, item.plan.legistar_event_id)
    ):
        row = rows.get(hearing.plan.legistar_event_id) or _adopt_manual(session, hearing)
        if row is None:
            row = _insert(session, hearing, taken_slugs)
            report.new.append(row.slug)
        elif _update(session, row, hearing):
            report.updated.append(row.slug)
        if row.status == HearingStatus.WAITING_FOR_VIDEO:
            report.waiting_for_video.append(row.slug)
        elif row.status == HearingStatus.SKIPPED:
            report.skipped[row.slug] = row.status_reason or ""
    return report


def _values(session: Session, hearing: PreparedHearing, counter: ChangeCounter) -> dict[str, Any]:
    plan = hearing.plan
    body = upsert_body(session, plan.body_legistar_id, plan.body_name, counter)
    session.flush()
    return {
        "body_id": body.id,
        "body_name": plan.body_name,
        "title": plan.title,
        "scheduled_at": plan.scheduled_at,
        "video_url": hearing.video_url,
        "captions_url": hearing.captions_url,
        "details": hearing.details,
    }


def _adopt_manual(session: Session, hearing: PreparedHearing) -> Hearing | None:
    """A hearing ingested by hand from this event's video becomes the event's hearing: it
    keeps its slug, so its folder (media, transcript) is reused."""
    videos = [url for url in (hearing.video_url, hearing.plan.video_page_url) if url]
    row = manual_hearing_with_video(session, videos) if videos else None
    if row is None:
        return None
    row.legistar_event_id = hearing.plan.legistar_event_id
    return row


def _insert(session: Session, hearing: PreparedHearing, taken_slugs: set[str]) -> Hearing:
    slug = hearing.plan.slug
    if slug in taken_slugs:  # two events of one body at one time: the later id gets a suffix
        slug = f"{slug}-{hearing.plan.legistar_event_id}"
    taken_slugs.add(slug)
    row = Hearing(
        slug=slug,
        legistar_event_id=hearing.plan.legistar_event_id,
        status=hearing.status,
        status_reason=hearing.status_reason,
        **_values(session, hearing, ChangeCounter()),
    )
    session.add(row)
    return row


def _update(session: Session, row: Hearing, hearing: PreparedHearing) -> bool:
    counter = ChangeCounter()
    values = _values(session, hearing, counter)
    if row.scheduled_at == values["scheduled_at"]:
        del values["scheduled_at"]
    if row.status in DISCOVERY_STATUSES:
        values |= {"status": hearing.status, "status_reason": hearing.status_reason}
    counter.assign(row, values)
    return counter.changed > 0


def ready_hearings(session: Session) -> list[DiscoveredHearing]:
    """Hearings with a video that no stage has started on yet, oldest first."""
    query = (
        select(Hearing)
        .where(Hearing.status == HearingStatus.DISCOVERED, Hearing.video_url.is_not(None))
        .order_by(Hearing.scheduled_at, Hearing.id)
    )
    return [
        DiscoveredHearing(
            id=row.id,
            slug=row.slug,
            legistar_event_id=row.legistar_event_id,
            title=row.title,
            body_name=row.body_name,
            scheduled_at=row.scheduled_at,
            video_url=row.video_url,
            captions_url=row.captions_url,
        )
        for row in session.scalars(query)
    ]


def known_events(session: Session) -> dict[int, KnownEvent]:
    """What earlier discoveries stored about each Legistar event, by event id."""
    stored = {}
    for row in session.scalars(select(Hearing).where(Hearing.legistar_event_id.is_not(None))):
        legistar = row.details.get("legistar", {})
        stored[row.legistar_event_id] = KnownEvent(
            last_modified_utc=legistar.get("last_modified_utc"),
            agenda=row.details.get("agenda"),
            video_page=legistar.get("video_page"),
            video_url=row.video_url,
            captions_url=row.captions_url,
        )
    return stored


def oldest_waiting_date(session: Session, not_before: datetime) -> date | None:
    """The date of the oldest hearing since `not_before` still waiting for its video."""
    oldest = session.scalar(
        select(Hearing.scheduled_at)
        .where(Hearing.status == HearingStatus.WAITING_FOR_VIDEO)
        .where(Hearing.scheduled_at >= not_before)
        .order_by(Hearing.scheduled_at)
        .limit(1)
    )
    # A day early: the stored UTC date of an evening hearing is already the next day.
    return (oldest - timedelta(days=1)).date() if oldest else None


def read_mark(session: Session) -> datetime | None:
    """The newest Legistar modification time the last discovery saw."""
    state = session.get(SyncState, DISCOVERY_MARK)
    return datetime.fromisoformat(state.value) if state else None


def _advance_mark(session: Session, mark: datetime | None, seen: list[datetime]) -> None:
    """Remember the newest modification seen, so the nightly run asks only for what changed."""
    newest = max([*seen, *([mark] if mark else [])], default=None)
    if newest is None or newest == mark:
        return
    state = session.get(SyncState, DISCOVERY_MARK)
    if state is None:
        session.add(SyncState(key=DISCOVERY_MARK, value=newest.isoformat()))
    else:
        state.value = newest.isoformat()
