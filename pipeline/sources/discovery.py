"""The network half of discovery: which events to read, their agendas and video files.

No database here: the discovery flow (`flows/discovery.py`) passes in what storage knows
about each event (`KnownEvent`) and has storage write what comes back (`PreparedHearing`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from pipeline.errors import HearingsError
from pipeline.records import HearingPlan, KnownEvent, PreparedHearing
from pipeline.sources.events import agenda_details, plan_hearing
from pipeline.sources.legistar import dedupe_events
from pipeline.sources.legistar_records import LegistarEvent, LegistarEventItem, LegistarRollCall
from pipeline.sources.viebit import ViebitError, ViebitMedia, is_viebit_page

VideoResolver = Callable[[str], ViebitMedia]


class EventSource(Protocol):
    def events(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        modified_since: datetime | None = None,
    ) -> list[LegistarEvent]: ...

    def event_items(self, event_id: int) -> list[LegistarEventItem]: ...

    def roll_calls(self, event_item_id: int) -> list[LegistarRollCall]: ...


class DiscoveryError(HearingsError, RuntimeError):
    """Discovery cannot start (e.g. no date given and no previous discovery recorded)."""


def fetch_events(
    source: EventSource,
    since: date | None,
    until: date | None,
    mark: datetime | None,
    waiting_from: date | None,
    overlap: timedelta = timedelta(0),
) -> list[LegistarEvent]:
    """Events of `since`..`until`, or, with no `since`, those modified after `mark - overlap`
    plus those from `waiting_from` on (hearings still waiting for their video)."""
    if since is not None:
        return dedupe_events(source.events(start=since, end=until))
    if mark is None:
        raise DiscoveryError(
            "no previous discovery is recorded: run `hearings discover --since DATE` once"
        )
    changed = source.events(modified_since=mark - overlap, end=until)
    rechecked = source.events(start=waiting_from, end=until) if waiting_from else []
    return dedupe_events([*changed, *rechecked])


def _prepare(
    plan: HearingPlan,
    known: KnownEvent | None,
    source: EventSource,
    resolve_video: VideoResolver,
) -> PreparedHearing:
    """Add the agenda (re-fetched only when the event changed) and the resolved video."""
    last_modified = plan.legistar["last_modified_utc"]
    agenda = known.agenda if known and known.last_modified_utc == last_modified else None
    if agenda is None:
        agenda = _fetch_agenda(source, plan.legistar_event_id)
    details = {"legistar": plan.legistar, "agenda": agenda, "joint_with": plan.joint_with}
    if plan.status != "discovered" or not plan.video_page_url:
        return PreparedHearing(plan, plan.status, plan.status_reason, None, None, details)
    try:
        video_url, captions_url = _video_files(plan.video_page_url, known, resolve_video)
    except ViebitError as error:
        return PreparedHearing(plan, "waiting_for_video", str(error), None, None, details)
    return PreparedHearing(plan, plan.status, None, video_url, captions_url, details)


def _video_files(
    page_url: str, known: KnownEvent | None, resolve_video: VideoResolver
) -> tuple[str, str | None]:
    if known and known.video_page == page_url and known.video_url:
        return known.video_url, known.captions_url
    if not is_viebit_page(page_url):
        return page_url, None  # another site: the acquire stage's yt-dlp reads the page itself
    media = resolve_video(page_url)
    return media.mp4_url, media.vtt_url


def _fetch_agenda(source: EventSource, event_id: int) -> list[dict[str, Any]]:
    items = source.event_items(event_id)
    roll_calls = {
        item.EventItemId: source.roll_calls(item.EventItemId)
        for item in items
        if item.EventItemRollCallFlag
    }
    return agenda_details(items, roll_calls)


def prepare_hearings(
    events: list[LegistarEvent],
    known: dict[int, KnownEvent],
    source: EventSource,
    resolve_video: VideoResolver,
) -> list[PreparedHearing]:
    return [
        _prepare(plan_hearing(event, events), known.get(event.EventId), source, resolve_video)
        for event in events
    ]
