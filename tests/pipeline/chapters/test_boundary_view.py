"""The abridged boundary view: every turn keeps its line number, speaker and first words."""

from __future__ import annotations

import itertools
import re

from pipeline.chapters.render import (
    OPENING_WORDS,
    condensed_entries,
    speaker_handles,
    window_text,
)
from pipeline.schemas import Line

MONOLOGUE = (
    "Good morning, my name is Ana Ruiz and I chair the housing committee of Community "
    "Board 4, where we have spent a year studying the proposal in detail."
)
SCRIPT = [
    ("CHAIR", "Good morning and welcome to this hearing on the zoning text amendment."),
    ("CHAIR", "Commissioner Lee?"),
    ("LEE", "Yes."),
    ("CHAIR", "Commissioner Park?"),
    ("PARK", "Here."),
    ("CHAIR", "Thank you. Our next speaker is Ana Ruiz from Community Board 4."),
    ("RUIZ", MONOLOGUE),
    ("RUIZ", "We support the goals but not the parking changes."),
    ("CLERK", "Two minutes."),
    ("RUIZ", "I will finish quickly: please keep the parking mandates in our district."),
    ("CHAIR", "Thank you, Ms. Ruiz, your testimony was very helpful to all of us today."),
    ("CHAIR", "Thank you for coming. Next up we have the Department of Transportation."),
    ("DOT", "Thank you, Chair. I am Kevin Chen, Deputy Commissioner at the department."),
]
LINES = [
    Line(index=n, speaker_label=speaker, start=10.0 * n, end=10.0 * n + 9, text=text)
    for n, (speaker, text) in enumerate(SCRIPT)
]
ENTRY = re.compile(r"^\[(\d+)\] (S\d+): (.*)$")


def rendered() -> list[tuple[int, str, str]]:
    handles = speaker_handles(LINES)
    text = window_text(condensed_entries(LINES), handles)
    return [ENTRY.match(row).groups() for row in text.splitlines()]  # type: ignore[union-attr]


def test_each_entry_shows_its_line_number_speaker_and_first_words() -> None:
    handles = speaker_handles(LINES)
    for number, handle, words in rendered():
        line = LINES[int(number)]
        assert handle == handles[line.speaker_label]
        assert words.startswith(" ".join(line.text.split()[:OPENING_WORDS])), (number, words)
    long_line = next(words for number, _, words in rendered() if number == "6")
    assert long_line == " ".join(MONOLOGUE.split()[:OPENING_WORDS]) + " …"


def test_turns_hand_overs_and_interjections() -> None:
    starts = [int(number) for number, _, _ in rendered()]
    # The roll call's "Yes." and "Here." and the clerk's "Two minutes." are folded into
    # the turn they interrupt; the chair's hand-overs start entries mid-turn.
    assert starts == [0, 5, 6, 10, 11, 12]


def test_entries_tile_the_transcript() -> None:
    entries = condensed_entries(LINES)
    assert entries[0].first_line == 0 and entries[-1].stop_line == len(LINES)
    for before, after in itertools.pairwise(entries):
        assert before.stop_line == after.first_line
