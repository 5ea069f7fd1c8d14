"""A stored hearing with known speakers, lines and chapters, for publishing and search tests.

Chapter 1 is the Q&A of the published chapter page ("Questions about NYPD's potential
access to MyCity portal data"); chapter 2 is still a draft and carries the word
DRAFTONLY everywhere, so a test can prove no draft text ever reaches a reader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models import Chapter, Hearing, ReviewState, Speaker, TranscriptLine
from pipeline.store.search import refresh_search_index

SLUG = "2024-10-22-1000-am-committee-on-technology"
VIDEO = "https://vbfast-vod.viebit.com/counciln/ABCDEF0123456789/NYCC-PV-CH-COM_241022-100000.mp4"

SPEAKERS = [
    ("SPEAKER_00", "Jennifer Gutiérrez", "Chair", "NYC Council"),
    ("SPEAKER_01", "Michael Gerber", "Deputy Commissioner", "NYPD"),
    ("SPEAKER_02", "Speaker 3", None, None),
]

QA_TITLE = "Questions about NYPD's potential access to MyCity portal data"


@dataclass
class SeedChapter:
    kind: str
    title: str
    summary: str
    bullets: list[str]
    lines: list[tuple[str, str]]  # (speaker label, text)
    state: str = ReviewState.APPROVED
    gap_before: float = 0.0
    spacing: float = 25.0  # seconds from one line's start to the next
    people: list[dict[str, object]] = field(default_factory=list)


@dataclass
class SeedHearing:
    slug: str = SLUG
    title: str = "Committee on Technology"
    body_name: str | None = "Committee on Technology"
    scheduled_at: datetime | None = datetime(2024, 10, 22, 14, 0, tzinfo=UTC)
    video_url: str | None = VIDEO
    status: str = "published"
    summary: str = "The committee asked the NYPD and OTI about the MyCity portal."
    chapters: list[SeedChapter] = field(default_factory=list)


def default_chapters() -> list[SeedChapter]:
    return [
        SeedChapter(
            "opening_remarks", "Opening remarks by Chair Gutiérrez",
            "Council Member Jennifer Gutiérrez opens the hearing on city technology.",
            ["Welcomes the agencies", "States the hearing's goals", "Introduces members"],
            [("SPEAKER_00", "Good morning and welcome."), ("SPEAKER_00", "We begin now.")],
        ),
        SeedChapter(
            "qa", QA_TITLE,
            "Council Member Jennifer Gutiérrez inquires about NYPD access to the portal. "
            "Deputy Commissioner Michael Gerber is unfamiliar with the portal.",
            ["Gutiérrez asks about data sharing", "Gerber is unfamiliar with the portal",
             "Follow-up promised in writing"],
            [("SPEAKER_00", "I have just one more question."),
             ("SPEAKER_00", "Does the NYPD have access to data from the portal?"),
             ("SPEAKER_01", "I am not familiar with that portal."),
             ("SPEAKER_01", "We will follow up with the committee."),
             ("SPEAKER_00", "Thank you.")],
            gap_before=8896.0, spacing=30.5,  # starts at 2:29:06, lasts 126 s
            people=[{"label": "SPEAKER_00", "person_id": 7631, "name": "Jennifer Gutiérrez",
                     "role": "asks"},
                    {"label": "SPEAKER_01", "person_id": None, "name": "Michael Gerber",
                     "role": "answers"}],
        ),
        SeedChapter(
            "public_testimony", "DRAFTONLY testimony on the budget",
            "DRAFTONLY summary.", ["DRAFTONLY bullet"],
            [("SPEAKER_02", "DRAFTONLY words from a witness about the portal.")],
            state=ReviewState.DRAFT,
        ),
        SeedChapter(
            "vote", "Vote on Int 1234", "The committee votes.", ["Passes 5-0"],
            [("SPEAKER_00", "The bill passes.")],
        ),
    ]  # fmt: skip


def store_seed_hearing(session: Session, seed: SeedHearing | None = None) -> Hearing:
    """Write the hearing (default: the Technology hearing above) and index it for search."""
    seed = seed or SeedHearing(chapters=default_chapters())
    hearing = Hearing(
        slug=seed.slug, title=seed.title, body_name=seed.body_name,
        scheduled_at=seed.scheduled_at, video_url=seed.video_url, status=seed.status,
        summary=seed.summary,
        details={"agenda": [{"matter_file": "Int 1234-2024", "title": "MyCity portal data",
                             "matter_type": "Introduction", "action": "Hearing Held"}]},
    )  # fmt: skip
    for label, name, role, organization in SPEAKERS:
        hearing.speakers.append(
            Speaker(label=label, display_name=name, role=role, organization=organization)
        )
    clock, index = 0.0, 0
    for position, chapter in enumerate(seed.chapters):
        clock += chapter.gap_before
        first_line, chapter_start = index, clock
        for label, text in chapter.lines:
            hearing.lines.append(
                TranscriptLine(line_index=index, speaker_label=label, start=clock,
                               end=clock + 4.0, text=text)
            )  # fmt: skip
            clock += chapter.spacing
            index += 1
        hearing.chapters.append(
            Chapter(
                position=position, kind=chapter.kind, title=chapter.title,
                summary=chapter.summary, bullets=chapter.bullets, start_line=first_line,
                stop_line=index, start=chapter_start, end=hearing.lines[-1].end,
                review_state=chapter.state, generator="test", people=chapter.people,
            )
        )  # fmt: skip
    hearing.duration_seconds = clock
    session.add(hearing)
    session.flush()
    refresh_search_index(session, hearing)
    return hearing
