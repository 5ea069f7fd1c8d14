"""Captions into lines: real council captions (roll-up, ALL CAPS, >> marks) and SRT."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from pipeline.captions import CaptionsError, captions_to_lines, deduplicated, parse_cues

# Broadcast roll-up as Viebit serves it: each cue repeats the line already on screen.
ROLL_UP = """WEBVTT

00:00:01.000 --> 00:00:03.000
>> GOOD MORNING, I'M CHAIR

00:00:03.000 --> 00:00:05.000
>> GOOD MORNING, I'M CHAIR
BREWER OF THE COMMITTEE ON

00:00:05.000 --> 00:00:07.000
BREWER OF THE COMMITTEE ON
OVERSIGHT. NYCHA IS HERE.

00:00:07.000 --> 00:00:09.000
OVERSIGHT. NYCHA IS HERE.
>> THANK YOU, MS. LEE.
"""

SRT = """1
00:00:01,000 --> 00:00:02,500
>> Good morning.

2
00:00:02,500 --> 00:00:04,000
>> Good morning, Chair. We're here
about Int. 1234-2024.
"""


def test_roll_up_repeats_are_removed_and_marks_become_speakers() -> None:
    lines = captions_to_lines(ROLL_UP, ["NYCHA"]).lines

    assert [(line.speaker_label, line.text) for line in lines] == [
        ("SPEAKER_00", "Good morning, I'm chair brewer of the committee on oversight."),
        ("SPEAKER_00", "NYCHA is here."),
        ("SPEAKER_01", "Thank you, Ms. Lee."),
    ]
    assert lines[0].start == pytest.approx(1.0)
    assert lines[-1].end == pytest.approx(9.0)


def test_paint_on_growth_keeps_each_word_once() -> None:
    cues = parse_cues(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n>> THE HEARING\n\n"
        "00:00:02.000 --> 00:00:03.000\n>> THE HEARING WILL COME\n\n"
        "00:00:03.000 --> 00:00:04.000\n>> THE HEARING WILL COME TO ORDER. >> THANK YOU.\n"
    )
    assert [cue.lines for cue in deduplicated(cues)] == [
        (">> THE HEARING",),
        ("WILL COME",),
        ("TO ORDER. >> THANK YOU.",),
    ]


def test_seattle_briefing_all_caps(media_data: Path) -> None:
    text = (media_data / "seattle_briefing_2021-08-02.vtt").read_text(encoding="utf-8")

    lines = captions_to_lines(text, ["Sawant"]).lines

    assert lines[0].text == "Good morning everyone."
    assert lines[1].text == "The august 2nd, 2021 council briefing meeting will come to order."
    assert "councilmember Sawant's office" in lines[3].text
    assert lines[3].text.endswith("this afternoon at 2:00 p.m.")
    assert [line.text for line in lines[5:7]] == ["Juarez?", "Here."]
    assert lines[5].speaker_label != lines[6].speaker_label
    assert all(line.text[0].isupper() for line in lines)


def test_oakland_meeting_keeps_time_order_and_labels(media_data: Path) -> None:
    text = (media_data / "oakland_special_meeting.vtt").read_text(encoding="utf-8")

    lines = captions_to_lines(text).lines

    assert len(lines) > 50
    assert lines[1].text.startswith("Good morning, welcome to")
    assert all(a.start <= b.start for a, b in itertools.pairwise(lines))
    assert all(line.speaker_label.startswith("SPEAKER_") for line in lines)
    assert not any(">>" in line.text for line in lines)


def test_srt_captions() -> None:
    lines = captions_to_lines(SRT).lines

    assert [line.text for line in lines] == [
        "Good morning.",
        "Good morning, Chair.",
        "We're here about Int. 1234-2024.",
    ]
    assert lines[0].speaker_label != lines[1].speaker_label


def test_garbage_is_a_captions_error() -> None:
    with pytest.raises(CaptionsError):
        captions_to_lines("this is not a captions file\nat all")
