"""Ranking seats into a roster, on hand-made seats (pure: no database)."""

from __future__ import annotations

from pipeline.roster import (
    COUNCIL_BODY,
    Priority,
    Roster,
    RosterMember,
    Seat,
    rank_roster,
)

HOUSING = "Committee on Housing and Buildings"


def seat(person_id: int, name: str, body: str, title: str, kind: str | None = None) -> Seat:
    return Seat(person_id=person_id, name=name, body=body, title=title, member_type=kind)


def test_each_person_appears_once_at_their_most_likely_place() -> None:
    seats = [
        seat(1, "Pat Chair", HOUSING, "CHAIRPERSON", "CHAIR"),
        seat(1, "Pat Chair", COUNCIL_BODY, "Council Member"),
        seat(2, "Vic Vice", HOUSING, "Vice Chair", "VICE CHAIR"),
        seat(2, "Vic Vice", COUNCIL_BODY, "Council Member"),
        seat(3, "Cam Council", COUNCIL_BODY, "Council Member"),
        seat(3, "Cam Council", "Committee on Finance", "CHAIRPERSON", "CHAIR"),
        seat(4, "Sam Speaker", COUNCIL_BODY, "Council Member", "PRIMARY SPEAKER"),
        seat(5, "Ada Advocate", COUNCIL_BODY, "", "PRIMARY PUBLIC ADVOCATE"),
        seat(6, "Dee Deputy", COUNCIL_BODY, "Deputy Speaker", "DEPUTY SPEAKER"),
    ]
    roster = rank_roster(seats, [HOUSING])
    assert [(m.name, m.title, m.priority) for m in roster] == [
        ("Pat Chair", "Chair", Priority.CHAIR),
        ("Vic Vice", "Vice Chair", Priority.COMMITTEE_MEMBER),
        ("Cam Council", "Council Member", Priority.COUNCIL_MEMBER),
        ("Dee Deputy", "Council Member", Priority.COUNCIL_MEMBER),
        ("Sam Speaker", "Speaker", Priority.OFFICER),
        ("Ada Advocate", "Public Advocate", Priority.OFFICER),
    ]


def test_a_speaker_sitting_on_the_committee_is_listed_with_it() -> None:
    seats = [
        seat(4, "Sam Speaker", COUNCIL_BODY, "Council Member", "PRIMARY SPEAKER"),
        seat(4, "Sam Speaker", HOUSING, "Ex-Officio", "PRIMARY SPEAKER"),
    ]
    roster = rank_roster(seats, [HOUSING])
    assert [(m.title, m.priority) for m in roster] == [("Ex-Officio", Priority.COMMITTEE_MEMBER)]


def test_names_for_speech_recognition_split_the_committee_from_the_others() -> None:
    def member(index: int, priority: Priority) -> RosterMember:
        return RosterMember(
            person_id=index, name=f"Member {index}", title="t", body="b", priority=priority
        )

    committee = [member(i, Priority.COMMITTEE_MEMBER) for i in range(5)]
    others = [member(i, Priority.COUNCIL_MEMBER) for i in range(5, 60)]
    roster = Roster(members=[member(99, Priority.CHAIR), *committee, *others])
    assert roster.committee_names() == ["Member 99", *(f"Member {i}" for i in range(5))]
    assert roster.other_names() == [f"Member {i}" for i in range(5, 60)]
