"""Storing a hearing's artifacts: one transaction, machine output replaced, human edits kept."""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Chapter, Hearing, ReviewState, Speaker, TranscriptLine
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.schemas import Chapter as ChapterOutput
from pipeline.schemas import (
    Chapters,
    IdentityMethod,
    Line,
    Lines,
    Provenance,
    SpeakerIdentities,
    SpeakerIdentity,
)
from pipeline.speakers import identify_speakers
from pipeline.store.hearing_data import StoreError, store_hearing_outputs


def make_lines(count: int, labels: tuple[str, ...] = ("SPEAKER_00", "SPEAKER_01")) -> Lines:
    return Lines(
        lines=[
            Line(
                index=i,
                speaker_label=labels[(i // 2) % len(labels)],
                start=i * 5.0,
                end=i * 5.0 + 4.5,
                text=f"sentence {i}",
            )
            for i in range(count)
        ]
    )


def machine_chapters(bounds: list[int], generator: str = "offline") -> Chapters:
    chapters = [
        ChapterOutput(
            start_line=start,
            stop_line=stop,
            kind="remarks",
            title=f"{generator} chapter {position}",
            provenance=Provenance(generator=generator),
        )
        for position, (start, stop) in enumerate(pairwise(bounds))
    ]
    return Chapters(line_count=bounds[-1], chapters=chapters, summary=f"{generator} summary")


@pytest.fixture
def factory(database_url: str) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    return make_session_factory(engine)


@pytest.fixture
def hearing_id(factory: sessionmaker[Session]) -> int:
    with transaction(factory) as session:
        hearing = Hearing(slug="sample-hearing", title="Sample")
        session.add(hearing)
        session.flush()
        return hearing.id


def store(
    factory: sessionmaker[Session], hearing_id: int, lines: Lines, chapters: Chapters
) -> None:
    with transaction(factory) as session:
        hearing = session.get_one(Hearing, hearing_id)
        store_hearing_outputs(session, hearing, lines, identify_speakers(lines), chapters)


def chapter_rows(factory: sessionmaker[Session], hearing_id: int) -> list[Chapter]:
    with factory() as session:
        query = select(Chapter).where(Chapter.hearing_id == hearing_id).order_by(Chapter.position)
        return list(session.scalars(query))


def test_store_writes_lines_speakers_and_chapters(factory, hearing_id) -> None:
    lines = make_lines(6)
    store(factory, hearing_id, lines, machine_chapters([0, 2, 6]))
    store(factory, hearing_id, lines, machine_chapters([0, 3, 6]))  # a re-run: no duplicates
    with factory() as session:
        hearing = session.get_one(Hearing, hearing_id)
        assert [line.text for line in hearing.lines] == [f"sentence {i}" for i in range(6)]
        assert [s.display_name for s in hearing.speakers] == ["Speaker 1", "Speaker 2"]
        assert [(c.start_line, c.stop_line) for c in hearing.chapters] == [(0, 3), (3, 6)]
        assert hearing.chapters[1].start == 15.0 and hearing.chapters[1].end == 29.5
        assert hearing.summary == "offline summary"


def test_rerun_keeps_chapters_and_speakers_a_person_edited(factory, hearing_id) -> None:
    lines = make_lines(10)
    store(factory, hearing_id, lines, machine_chapters([0, 4, 7, 10]))
    with transaction(factory) as session:
        edited = session.scalar(select(Chapter).where(Chapter.position == 1))
        edited.title, edited.edited_by = "Testimony from HPD", "editor@example.org"
        approved = session.scalar(select(Chapter).where(Chapter.position == 0))
        approved.review_state = ReviewState.APPROVED
        speaker = session.scalar(select(Speaker).where(Speaker.label == "SPEAKER_01"))
        speaker.display_name, speaker.method = "Kevin C. Riley", IdentityMethod.HUMAN

    store(factory, hearing_id, lines, machine_chapters([0, 2, 5, 10], generator="gpt-4.1-mini"))

    rows = chapter_rows(factory, hearing_id)
    assert [(c.start_line, c.stop_line) for c in rows] == [(0, 4), (4, 7), (7, 10)]
    assert rows[0].review_state == ReviewState.APPROVED and rows[0].generator == "offline"
    assert rows[1].title == "Testimony from HPD" and rows[1].edited_by == "editor@example.org"
    assert rows[2].generator == "gpt-4.1-mini"  # the machine part around them is replaced
    with factory() as session:
        names = {s.label: s.display_name for s in session.scalars(select(Speaker))}
    assert names == {"SPEAKER_00": "Speaker 1", "SPEAKER_01": "Kevin C. Riley"}


def test_machine_chapter_overlapping_a_persons_chapter_is_clipped(factory, hearing_id) -> None:
    lines = make_lines(10)
    store(factory, hearing_id, lines, machine_chapters([0, 5, 10]))
    with transaction(factory) as session:
        chapter = session.scalar(select(Chapter).where(Chapter.position == 1))
        chapter.start_line, chapter.stop_line, chapter.generator = 5, 8, "human"
        session.add(_last_chapter(session, chapter.hearing_id))
    store(factory, hearing_id, lines, machine_chapters([0, 3, 10], generator="llm"))
    rows = chapter_rows(factory, hearing_id)
    assert [(c.start_line, c.stop_line, c.generator) for c in rows] == [
        (0, 3, "llm"),
        (3, 5, "llm"),
        (5, 8, "human"),
        (8, 10, "llm"),
    ]


def _last_chapter(session: Session, hearing_id: int) -> Chapter:
    """A machine chapter for lines 8-10, so the edited hearing still tiles."""
    return Chapter(
        hearing_id=hearing_id, position=2, kind="other", title="rest", start_line=8,
        stop_line=10, start=40.0, end=49.5, generator="offline",
    )  # fmt: skip


def test_a_failed_store_leaves_the_previous_rows(factory, hearing_id) -> None:
    store(factory, hearing_id, make_lines(4), machine_chapters([0, 4]))
    with pytest.raises(StoreError, match=r"covers 6 lines but lines\.json has 3"):
        store(factory, hearing_id, make_lines(3), machine_chapters([0, 6]))
    with factory() as session:
        count = session.scalar(select(func.count()).select_from(TranscriptLine))
        assert count == 4
        assert len(chapter_rows(factory, hearing_id)) == 1


def test_identify_numbers_speakers_in_order_of_appearance() -> None:
    lines = make_lines(6, labels=("SPEAKER_07", "SPEAKER_02", "SPEAKER_07"))
    identities = identify_speakers(lines)
    assert identities == SpeakerIdentities(
        speakers=[
            SpeakerIdentity(label="SPEAKER_07", display_name="Speaker 1", evidence=[0, 1, 4, 5]),
            SpeakerIdentity(label="SPEAKER_02", display_name="Speaker 2", evidence=[2, 3]),
        ]
    )
