"""A stored hearing for review tests and the review benchmark, written through the store.

Lines alternate between speakers in turns; chapters are equal slices; a committee with two
members gives the hearing a roster. `untrusted_text` lets a test plant markup in a line.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from models import Body, Hearing, HearingStatus, Membership, Person
from models.db import transaction
from pipeline.schemas import (
    Chapter,
    ChapterKind,
    Chapters,
    IdentityMethod,
    Line,
    Lines,
    Provenance,
    SpeakerIdentities,
    SpeakerIdentity,
)
from pipeline.store.hearing_data import store_hearing_outputs

# The review app's forms carry their CSRF token in this hidden input.
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
COMMITTEE = "Committee on Finance"
MEMBERS = ("Justin Brannan", "Jennifer Gutiérrez")
SPEAKER_LABELS = ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_03")
KINDS = (ChapterKind.OPENING_REMARKS, ChapterKind.AGENCY_TESTIMONY, ChapterKind.QA)


def make_lines(
    count: int, seconds_per_line: float = 4.0, untrusted_text: str | None = None
) -> Lines:
    lines = []
    for index in range(count):
        text = f"Line {index} about the budget and the agency's plans."
        if untrusted_text is not None and index == 1:
            text = untrusted_text
        lines.append(
            Line(
                index=index,
                speaker_label=SPEAKER_LABELS[(index // 3) % len(SPEAKER_LABELS)],
                start=index * seconds_per_line,
                end=index * seconds_per_line + seconds_per_line - 0.5,
                text=text,
            )
        )
    return Lines(lines=lines)


def make_speakers() -> SpeakerIdentities:
    named = {"SPEAKER_00": ("Justin Brannan", "Chair")}
    return SpeakerIdentities(
        speakers=[
            SpeakerIdentity(
                label=label,
                name=named.get(label, (None, None))[0],
                display_name=named.get(label, (f"Speaker {n + 1}", None))[0],
                role=named.get(label, (None, None))[1],
                confidence=0.9 if label in named else 0.0,
                method=IdentityMethod.RULE,
            )
            for n, label in enumerate(SPEAKER_LABELS)
        ]
    )


def make_chapters(line_count: int, chapter_count: int, generator: str = "gpt-4.1-mini") -> Chapters:
    size = line_count // chapter_count
    starts = [position * size for position in range(chapter_count)]
    stops = [*starts[1:], line_count]
    return Chapters(
        line_count=line_count,
        chapters=[
            Chapter(
                start_line=start,
                stop_line=stop,
                kind=KINDS[position % len(KINDS)],
                title=f"Chapter {position + 1} title",
                summary=f"Summary of chapter {position + 1}.",
                bullets=[f"Point {position + 1}.{n}" for n in range(1, 4)],
                provenance=Provenance(generator=generator, prompt_version="chapter.v1"),
            )
            for position, (start, stop) in enumerate(zip(starts, stops, strict=True))
        ],
        summary="A hearing about the budget.",
    )


def _roster(session: Session) -> Body:
    body = Body(name=COMMITTEE, body_type="Committee")
    session.add(body)
    session.flush()
    for name in MEMBERS:
        person = Person(full_name=name)
        session.add(person)
        session.flush()
        title = "Chair" if name == MEMBERS[0] else "Member"
        session.add(Membership(person_id=person.id, body_id=body.id, title=title,
                               start_date=date(2024, 1, 1)))  # fmt: skip
    return body


def seed_hearing(
    factory: sessionmaker[Session],
    slug: str = "finance-2024-10-10",
    *,
    line_count: int = 60,
    chapter_count: int = 4,
    untrusted_text: str | None = None,
    generator: str = "gpt-4.1-mini",
    seconds_per_line: float = 4.0,
) -> int:
    """Store a hearing with lines, speakers and chapters; returns its id."""
    lines = make_lines(line_count, seconds_per_line, untrusted_text=untrusted_text)
    with transaction(factory) as session:
        body = session.query(Body).filter_by(name=COMMITTEE).one_or_none() or _roster(session)
        hearing = Hearing(
            slug=slug,
            title="Oversight: the city's budget",
            body_id=body.id,
            body_name=COMMITTEE,
            scheduled_at=datetime(2024, 10, 10, 14, 0, tzinfo=UTC),
            status=HearingStatus.DRAFT,
        )
        session.add(hearing)
        session.flush()
        store_hearing_outputs(
            session, hearing, lines, make_speakers(),
            make_chapters(line_count, chapter_count, generator),
        )  # fmt: skip
        return hearing.id
