"""Who could be speaking at a hearing, most likely first (pure: no database here).

For a committee hearing on a given day: the committee's chair(s), then its members, then
every other council member, then the Speaker and the Public Advocate. Each person appears
once, at their most likely place.
"""

from __future__ import annotations

from enum import IntEnum

from pydantic import BaseModel

from pipeline.errors import HearingsError
from pipeline.records import Seat
from pipeline.stages import Stage, StageCall, StageDeclaration

COUNCIL_BODY = "City Council"
SPEAKER = "Speaker"
PUBLIC_ADVOCATE = "Public Advocate"


class Priority(IntEnum):
    CHAIR = 0
    COMMITTEE_MEMBER = 1
    COUNCIL_MEMBER = 2
    OFFICER = 3  # the Speaker and the Public Advocate


class RosterMember(BaseModel):
    person_id: int
    name: str
    title: str
    body: str
    district: int | None = None
    borough: str | None = None
    priority: Priority


ROSTER_ARTIFACT = "roster"


class Roster(BaseModel):
    """`roster.json`: who could be speaking at one hearing, most likely first, and the
    hearing's agenda item titles when known (speaker naming reads both)."""

    members: list[RosterMember]
    agenda: list[str] = []

    def committee_names(self) -> list[str]:
        """The chair(s) and members of the hearing's committee, most likely first."""
        return [m.name for m in self.members if m.priority <= Priority.COMMITTEE_MEMBER]

    def other_names(self) -> list[str]:
        """Everyone else who could speak (other council members, the officers)."""
        return [m.name for m in self.members if m.priority > Priority.COMMITTEE_MEMBER]


def officer_title(seat: Seat) -> str | None:
    """'Speaker' or 'Public Advocate' when the seat makes its holder one, else None."""
    kind = (seat.member_type or "").upper()
    if seat.title.lower() in ("the speaker", "speaker") or (
        "SPEAKER" in kind and "DEPUTY" not in kind and seat.body == COUNCIL_BODY
    ):
        return SPEAKER
    if seat.title.lower() == "public advocate" or "PUBLIC ADVOCATE" in kind:
        return PUBLIC_ADVOCATE
    return None


def is_chair(title: str) -> bool:
    lowered = title.lower()
    return "chair" in lowered and "vice" not in lowered


def committee_title(title: str) -> str:
    return "Chair" if title.upper() in ("CHAIRPERSON", "CHAIR") else title


def _member(seat: Seat, title: str, priority: Priority) -> RosterMember:
    return RosterMember(
        person_id=seat.person_id,
        name=seat.name,
        title=title,
        body=seat.body,
        district=seat.district,
        borough=seat.borough,
        priority=priority,
    )


def rank_roster(seats: list[Seat], committees: list[str]) -> list[RosterMember]:
    """The roster for a hearing of `committees` (one, or several for a joint hearing)."""
    wanted = {name.strip().lower() for name in committees}
    candidates: list[RosterMember] = []
    for seat in seats:
        officer = officer_title(seat)
        if officer:
            candidates.append(_member(seat, officer, Priority.OFFICER))
        if seat.body.lower() in wanted and seat.body != COUNCIL_BODY:
            chair = is_chair(seat.title)
            priority = Priority.CHAIR if chair else Priority.COMMITTEE_MEMBER
            candidates.append(_member(seat, committee_title(seat.title), priority))
        elif seat.body == COUNCIL_BODY and not officer:
            candidates.append(_member(seat, "Council Member", Priority.COUNCIL_MEMBER))
    return _best_place_per_person(candidates)


def _best_place_per_person(candidates: list[RosterMember]) -> list[RosterMember]:
    candidates.sort(
        key=lambda member: (member.priority, member.title == PUBLIC_ADVOCATE, member.name)
    )
    officers = {m.person_id for m in candidates if m.priority == Priority.OFFICER}
    best: dict[int, RosterMember] = {}
    for member in candidates:
        demoted = member.priority == Priority.COUNCIL_MEMBER and member.person_id in officers
        if member.person_id not in best and not demoted:
            best[member.person_id] = member
    return list(best.values())


class RosterUnavailable(HearingsError, LookupError):
    """Nobody is known to sit on the hearing's committee that day (or no date or body)."""


def _roster_stage(call: StageCall) -> Roster:
    """The roster the caller gathered from the database (`members`), or why there is none."""
    members = call.params.get("members")
    if members is None:
        raise RosterUnavailable(str(call.params.get("missing_because", "no roster is known")))
    members = [RosterMember.model_validate(member) for member in members]
    return Roster(members=members, agenda=list(call.params.get("agenda") or []))


ROSTER_STAGE = StageDeclaration(
    name=Stage.ROSTER,
    version="1",
    inputs=(),
    output=ROSTER_ARTIFACT,
    contract=Roster,
    compute=_roster_stage,
    summary=lambda roster: f"{len(roster.members)} people could be speaking",
    options=_roster_stage,
    unavailable=(RosterUnavailable,),
)
