"""Small transcripts for the speaker tests: (label, sentence) pairs become timed lines.

Real excerpts are public speech: the Seattle City Council briefing of 2021-08-02 and the
Oakland City Council special meeting (captions in tests/data/media, from GitHub
CouncilDataProject/cdp-backend, MPL-2.0), re-cased as sentences; the names are public
records. The NYC lines follow the Council's published hearing pages and the issue's
examples; the rest are written here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.roster import Priority, Roster, RosterMember
from pipeline.schemas import Line, Lines

SECONDS_PER_WORD = 0.4


def transcript(*turns: tuple[str, str]) -> Lines:
    """Each (label, sentence) is one line; times follow the number of words."""
    lines, clock = [], 0.0
    for index, (label, text) in enumerate(turns):
        seconds = max(1.0, SECONDS_PER_WORD * len(text.split()))
        lines.append(
            Line(index=index, speaker_label=label, start=clock, end=clock + seconds, text=text)
        )
        clock += seconds + 0.2
    return Lines(lines=lines)


def statement(label: str, sentences: int = 4) -> list[tuple[str, str]]:
    """A few long sentences of plain testimony (enough words to hold the floor)."""
    return [
        (
            label,
            f"We have looked closely at part {n} of this proposal and the data we collected "
            "over the last year says the program needs more staff and clearer rules.",
        )
        for n in range(sentences)
    ]


def member(
    person_id: int,
    name: str,
    title: str = "Council Member",
    priority: Priority = Priority.COUNCIL_MEMBER,
) -> RosterMember:
    return RosterMember(
        person_id=person_id,
        name=name,
        title=title,
        body="Committee on Housing and Buildings",
        priority=priority,
    )


def nyc_roster(extra: Sequence[RosterMember] = ()) -> Roster:
    """Part of the NYC Council in 2024 (public records, as in data/rosters/nyc)."""
    return Roster(
        members=[
            member(7631, "Pierina Ana Sanchez", "Chair", Priority.CHAIR),
            member(7590, "Gale A. Brewer", priority=Priority.COMMITTEE_MEMBER),
            member(7601, "Lynn C. Schulman", priority=Priority.COMMITTEE_MEMBER),
            member(7612, "Jennifer Gutiérrez"),
            member(7620, "Kevin C. Riley"),
            member(7640, "Nantasha M. Williams"),
            member(7641, "Jumaane Williams", "Public Advocate", Priority.OFFICER),
            member(7650, "Christopher Marte"),
            member(7660, "Lincoln Restler"),
            *extra,
        ]
    )
