"""From a Legistar event to what discovery should store about the hearing (pure functions).

The event's date is a local midnight and its time a string such as "9:30 AM"; together they
are a moment in America/New_York. Deferred or cancelled events are skipped with the reason;
an event held jointly with another committee whose video covers it is skipped too.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.records import HearingPlan, PlanStatus
from pipeline.sources.legistar_records import LegistarEvent, LegistarEventItem, LegistarRollCall
from pipeline.sources.slugs import dated_slug

NEW_YORK = ZoneInfo("America/New_York")
SKIPPED_AGENDA_STATUSES = {"deferred", "cancelled", "canceled", "postponed"}
# "CANCELED", "Hearing has been postponed"; not "items deferred at the last meeting".
CANCELLED_IN_COMMENT = re.compile(
    r"^\W*(cancell?ed|deferred|postponed)\b"
    r"|\b(meeting|hearing)\s+(has\s+been\s+|is\s+|was\s+)?(cancell?ed|deferred|postponed)\b",
    re.IGNORECASE,
)
CLOCK_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*([AP])\.?\s*M\.?\s*$", re.IGNORECASE)
JOINT_COMMENT = re.compile(r"^\s*jointly with\b", re.IGNORECASE)

def parse_event_time(text: str | None) -> time | None:
    """'9:30 AM' → 09:30, '12:00 PM' → 12:00; None when absent or not a clock time."""
    found = CLOCK_TIME.match(text or "")
    if found is None:
        return None
    hour, minute, half = int(found.group(1)) % 12, int(found.group(2)), found.group(3).upper()
    if minute > 59 or int(found.group(1)) > 12:
        return None
    return time(hour + (12 if half == "P" else 0), minute)


def scheduled_at(event: LegistarEvent) -> datetime:
    """The aware start time in New York (midnight when the time is missing or unreadable)."""
    clock = parse_event_time(event.EventTime) or time(0, 0)
    return datetime.combine(event.EventDate.date(), clock, tzinfo=NEW_YORK)


def hearing_slug(event: LegistarEvent) -> str:
    """'2024-10-22-0930-am-subcommittee-on-zoning-and-franchises' (no time part if unknown)."""
    clock = parse_event_time(event.EventTime)
    return dated_slug(event.EventDate.date(), clock, event.EventBodyName)


def skip_reason(event: LegistarEvent) -> str | None:
    status = (event.EventAgendaStatusName or "").strip()
    if status.lower() in SKIPPED_AGENDA_STATUSES:
        return f"agenda status is {status}"
    comment = event.EventComment or ""
    if CANCELLED_IN_COMMENT.search(comment):
        return f"event comment says: {comment.strip()}"
    return None


def _letters(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def names_each_other(event: LegistarEvent, other: LegistarEvent) -> bool:
    return _letters(other.EventBodyName) in _letters(event.EventComment) or _letters(
        event.EventBodyName
    ) in _letters(other.EventComment)


def joint_partners(event: LegistarEvent, batch: list[LegistarEvent]) -> list[LegistarEvent]:
    """The other committees' events of a joint hearing: same day and time, each named in
    the other's 'Jointly with the Committee on ...' comment."""
    if not JOINT_COMMENT.match(event.EventComment or ""):
        return []
    return [
        other
        for other in batch
        if other.EventId != event.EventId
        and other.EventDate == event.EventDate
        and other.EventTime == event.EventTime
        and names_each_other(event, other)
    ]


def decide_status(
    event: LegistarEvent, batch: list[LegistarEvent]
) -> tuple[PlanStatus, str | None]:
    reason = skip_reason(event)
    if reason:
        return "skipped", reason
    if event.EventVideoPath:
        return "discovered", None
    partner = next((other for other in joint_partners(event, batch) if other.EventVideoPath), None)
    if partner:
        return "skipped", (
            f"held jointly with {partner.EventBodyName}; "
            f"the video is on Legistar event {partner.EventId}"
        )
    return "waiting_for_video", "no video on Legistar yet"


def plan_hearing(event: LegistarEvent, batch: list[LegistarEvent]) -> HearingPlan:
    status, reason = decide_status(event, batch)
    return HearingPlan(
        legistar_event_id=event.EventId,
        slug=hearing_slug(event),
        title=event.EventBodyName,
        body_legistar_id=event.EventBodyId,
        body_name=event.EventBodyName,
        scheduled_at=scheduled_at(event),
        status=status,
        status_reason=reason,
        video_page_url=event.EventVideoPath or None,
        last_modified_utc=event.EventLastModifiedUtc,
        joint_with=[other.EventBodyName for other in joint_partners(event, batch)],
        legistar=legistar_details(event),
    )


def legistar_details(event: LegistarEvent) -> dict[str, Any]:
    return {
        "event_id": event.EventId,
        "last_modified_utc": event.EventLastModifiedUtc.isoformat(),
        "agenda_status": event.EventAgendaStatusName,
        "comment": event.EventComment,
        "location": event.EventLocation,
        "video_page": event.EventVideoPath,
        "insite_url": event.EventInSiteURL,
        "agenda_file": event.EventAgendaFile,
        "minutes_file": event.EventMinutesFile,
    }


def agenda_details(
    items: list[LegistarEventItem], roll_calls: dict[int, list[LegistarRollCall]]
) -> list[dict[str, Any]]:
    """Agenda entries in order, with matter files ("Int 1234-2024") and roll-call votes."""
    ordered = sorted(items, key=lambda item: (item.EventItemAgendaSequence or 0, item.EventItemId))
    return [
        {
            "item_id": item.EventItemId,
            "title": item.EventItemTitle,
            "matter_file": item.EventItemMatterFile,
            "matter_name": item.EventItemMatterName,
            "matter_type": item.EventItemMatterType,
            "action": item.EventItemActionName,
            "roll_call": [
                {
                    "person_id": call.RollCallPersonId,
                    "name": call.RollCallPersonName,
                    "value": call.RollCallValueName,
                }
                for call in roll_calls.get(item.EventItemId, [])
            ],
        }
        for item in ordered
    ]
