"""A person's chapters and speaker names after a re-ingest whose lines changed (issue 13).

The case replayed: new captions (or a new transcript) split the same speech into other
lines and the diarizer numbered the voices differently. Before, the edited chapter kept its
old line numbers (so `show` printed it over other lines, overlapping its neighbour) and the
edited name stayed on its label, which now belonged to another voice.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from models import Chapter, Hearing, Speaker
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.cli import app
from pipeline.schemas import Chapter as ChapterOutput
from pipeline.schemas import Chapters, IdentityMethod, Line, Lines, Provenance
from pipeline.speakers import identify_speakers
from pipeline.store.hearing_data import store_hearing_outputs

WORDS = [
    "budget",
    "housing",
    "transit",
    "parks",
    "schools",
    "libraries",
    "police",
    "sanitation",
    "water",
    "energy",
    "health",
    "youth",
    "seniors",
    "veterans",
    "immigrants",
    "small",
    "business",
    "jobs",
    "zoning",
    "landmarks",
    "permits",
    "taxes",
    "roads",
    "bridges",
    "ferries",
    "parking",
    "bikes",
    "trees",
    "noise",
    "heat",
]
SPEAKERS = ("SPEAKER_00", "SPEAKER_01")


def sentence(i: int) -> str:
    return " ".join(WORDS[(i * 3 + k) % len(WORDS)] for k in range(6))


def first_version(count: int = 12) -> Lines:
    """Line i: 5 s from 5i, two lines per speaker turn."""
    return Lines(
        lines=[
            Line(index=i, speaker_label=SPEAKERS[i // 2 % 2], start=i * 5.0,
                 end=i * 5.0 + 4.5, text=sentence(i))
            for i in range(count)
        ]
    )  # fmt: skip


def split_version(old: Lines, relabel: dict[str, str]) -> Lines:
    """The same speech cut into twice as many lines, the voices numbered differently."""
    lines = []
    for line in old.lines:
        words = line.text.split()
        halves = (
            (line.start, line.start + 2.2, words[:3]),
            (line.start + 2.3, line.end, words[3:]),
        )
        for start, end, part in halves:
            label = relabel.get(line.speaker_label, line.speaker_label)
            lines.append(
                Line(index=len(lines), speaker_label=label, start=start, end=end,
                     text=" ".join(part))
            )  # fmt: skip
    return Lines(lines=lines)


def chapters_for(lines: Lines, bounds: list[int], generator: str = "offline") -> Chapters:
    return Chapters(
        line_count=len(lines.lines),
        chapters=[
            ChapterOutput(start_line=start, stop_line=stop, kind="remarks",
                          title=f"{generator} {start}-{stop}",
                          provenance=Provenance(generator=generator))
            for start, stop in pairwise(bounds)
        ],
    )  # fmt: skip


@pytest.fixture
def factory(database_url: str) -> sessionmaker[Session]:
    engine = make_engine(database_url)
    upgrade(engine)
    return make_session_factory(engine)


def store(factory: sessionmaker[Session], lines: Lines, chapters: Chapters) -> None:
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == "re-ingested"))
        if hearing is None:
            hearing = Hearing(slug="re-ingested", title="Re-ingested")
            session.add(hearing)
            session.flush()
        store_hearing_outputs(session, hearing, lines, identify_speakers(lines), chapters)


def edit_chapter_and_speaker(factory: sessionmaker[Session]) -> None:
    """An editor retitles the chapter of lines 4-8 (20-39.5 s) and names SPEAKER_01."""
    with transaction(factory) as session:
        chapter = session.scalar(select(Chapter).where(Chapter.start_line == 4))
        chapter.title, chapter.edited_by = "Testimony from HPD", "editor@example.org"
        speaker = session.scalar(select(Speaker).where(Speaker.label == "SPEAKER_01"))
        speaker.display_name, speaker.method = "Kevin C. Riley", IdentityMethod.HUMAN


def tiling(factory: sessionmaker[Session]) -> list[Chapter]:
    with factory() as session:
        rows = session.scalars(select(Chapter).order_by(Chapter.position))
        return [row for row in rows if not row.detached]


def assert_tiles(chapters: list[Chapter], line_count: int) -> None:
    spans = [(chapter.start_line, chapter.stop_line) for chapter in chapters]
    assert spans[0][0] == 0 and spans[-1][1] == line_count
    assert all(a[1] == b[0] for a, b in pairwise(spans)), spans


def test_an_edited_chapter_moves_to_the_new_lines_of_its_time_span(factory) -> None:
    old = first_version()
    store(factory, old, chapters_for(old, [0, 4, 8, 12]))
    edit_chapter_and_speaker(factory)
    new = split_version(old, relabel={})
    store(factory, new, chapters_for(new, [0, 10, 24], generator="llm"))

    rows = tiling(factory)
    assert_tiles(rows, 24)
    edited = next(row for row in rows if row.title == "Testimony from HPD")
    assert (edited.start_line, edited.stop_line) == (8, 16)
    assert (edited.start, edited.end) == (20.0, 39.5)
    starts = [row.start for row in rows]
    assert starts == sorted(set(starts))  # no two chapters at the same time


def test_an_edited_name_follows_its_voice_to_the_new_label(factory) -> None:
    old = first_version()
    store(factory, old, chapters_for(old, [0, 4, 8, 12]))
    edit_chapter_and_speaker(factory)
    swapped = {"SPEAKER_00": "SPEAKER_01", "SPEAKER_01": "SPEAKER_00"}
    new = split_version(old, relabel=swapped)
    store(factory, new, chapters_for(new, [0, 24]))

    with factory() as session:
        names = {s.label: (s.display_name, s.method) for s in session.scalars(select(Speaker))}
    assert names["SPEAKER_00"] == ("Kevin C. Riley", "human")
    assert names["SPEAKER_01"][1] != "human"


def test_a_chapter_whose_words_are_gone_is_kept_aside_not_shown_over_lines(
    factory, settings
) -> None:
    old = first_version()
    store(factory, old, chapters_for(old, [0, 4, 8, 12]))
    edit_chapter_and_speaker(factory)
    new = Lines(
        lines=[
            line.model_copy(
                update={"text": "entirely different words here" if 4 <= i < 8 else line.text}
            )
            for i, line in enumerate(old.lines)
        ]
    )
    store(factory, new, chapters_for(new, [0, 6, 12], generator="llm"))

    rows = tiling(factory)
    assert_tiles(rows, 12)
    assert "Testimony from HPD" not in [row.title for row in rows]
    with factory() as session:
        aside = session.scalars(select(Chapter).where(Chapter.detached)).one()
        assert aside.title == "Testimony from HPD" and aside.edited_by == "editor@example.org"
        assert "kept aside" in aside.review_flag and "changed" in aside.review_flag
        assert (aside.start_line, aside.stop_line) == (0, 0)


def test_a_name_whose_voice_is_split_is_flagged_not_moved(factory) -> None:
    old = first_version()
    store(factory, old, chapters_for(old, [0, 4, 12]))
    edit_chapter_and_speaker(factory)
    # The diarizer now hears SPEAKER_01's lines as two voices, half each.
    new = Lines(
        lines=[
            line.model_copy(
                update={"speaker_label": f"SPEAKER_0{2 + i % 2}"}
                if line.speaker_label == "SPEAKER_01" else {}
            )
            for i, line in enumerate(old.lines)
        ]
    )  # fmt: skip
    store(factory, new, chapters_for(new, [0, 12]))
    with factory() as session:
        kevin = session.scalars(
            select(Speaker).where(Speaker.display_name == "Kevin C. Riley")
        ).one()
        used = {line.speaker_label for line in new.lines}
        assert kevin.label not in used and "SPEAKER_01" in kevin.review_flag


def test_show_prints_a_kept_aside_chapter_apart(settings) -> None:
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    old = first_version()
    store(factory, old, chapters_for(old, [0, 4, 8, 12]))
    edit_chapter_and_speaker(factory)
    new = Lines(
        lines=[line.model_copy(update={"text": f"other {i}"}) for i, line in enumerate(old.lines)]
    )
    store(factory, new, chapters_for(new, [0, 12], generator="llm"))

    output = CliRunner().invoke(app, ["show", "re-ingested", "--lines"]).output
    body, aside = output.split("Kept aside for review")
    assert "Testimony from HPD" not in body and "Testimony from HPD" in aside
    assert body.count("Remarks · 0:00:00") == 1
