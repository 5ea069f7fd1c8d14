"""What the sources hand to storage and storage hands back: our own typed records.

Like `pipeline.schemas`, this module imports nothing else of ours, so storage (`models/`,
`pipeline/store/`) can take and return these without knowing any source or stage: the
Legistar client's wire records are turned into these in `pipeline/sources/`, and a manual
URL or file becomes a `ManualHearing` there too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

PlanStatus = Literal["discovered", "waiting_for_video", "skipped"]


# --- hearings ----------------------------------------------------------------------------


class HearingPlan(BaseModel):
    """What discovery knows about one calendar event before the video page is checked."""

    legistar_event_id: int
    slug: str
    title: str
    body_legistar_id: int
    body_name: str
    scheduled_at: datetime
    status: PlanStatus
    status_reason: str | None = None
    video_page_url: str | None = None
    last_modified_utc: datetime
    joint_with: list[str]
    legistar: dict[str, Any]


@dataclass(frozen=True)
class KnownEvent:
    """What the database holds about an event from an earlier discovery."""

    last_modified_utc: str | None
    agenda: list[dict[str, Any]] | None
    video_page: str | None
    video_url: str | None
    captions_url: str | None


@dataclass(frozen=True)
class PreparedHearing:
    """A discovered hearing ready to store: its plan, agenda and resolved video files."""

    plan: HearingPlan
    status: PlanStatus
    status_reason: str | None
    video_url: str | None
    captions_url: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class ManualHearing:
    """A hearing given by hand as a URL or a local file (normalized), with its slug."""

    slug: str
    video_url: str
    captions_url: str | None
    title: str


# --- roster ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyRecord:
    legistar_id: int
    name: str
    body_type: str | None = None


@dataclass(frozen=True)
class PersonPlace:
    """What Legistar's Persons lack: a council member's district and borough."""

    district: int | None
    borough: str | None


@dataclass(frozen=True)
class PersonRecord:
    legistar_id: int
    full_name: str
    first_name: str | None = None
    last_name: str | None = None
    place: PersonPlace | None = None  # None: keep whatever district is stored


@dataclass(frozen=True)
class MembershipRecord:
    """One seat held by a person on a body for a period (an office record)."""

    legistar_id: int
    person_legistar_id: int
    body_legistar_id: int
    body_name: str
    title: str
    member_type: str | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class RosterRecords:
    """Bodies, people and memberships to upsert; every membership's body and person is listed."""

    bodies: list[BodyRecord]
    persons: list[PersonRecord]
    memberships: list[MembershipRecord]


@dataclass(frozen=True)
class Seat:
    """One membership active on a hearing's date, as the database returns it."""

    person_id: int
    name: str
    body: str
    title: str
    member_type: str | None = None
    district: int | None = None
    borough: str | None = None
