"""attribute: words to speaker turns, sentences, lines; checked on a real two-speaker call."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pytest

from pipeline.attribution import SINGLE_SPEAKER_LABEL, assign_speakers, attribute
from pipeline.schemas import Diarization, Segment, SpeakerTurn, Transcript, Word
from pipeline.sentences import build_lines, ends_sentence, spread_words


def read_rttm(path: Path) -> list[SpeakerTurn]:
    turns = []
    for row in path.read_text().splitlines():
        fields = row.split()
        start, duration = float(fields[3]), float(fields[4])
        turns.append(SpeakerTurn(speaker_label=fields[7], start=start, end=start + duration))
    return turns


def read_stm(path: Path) -> list[tuple[str, Word]]:
    """(speaker name, word) pairs, word times spread over each reference utterance."""
    pairs = []
    for row in path.read_text().splitlines():
        _, _, speaker, start, end, text = row.split(maxsplit=5)
        pairs += [(speaker, word) for word in spread_words(text, float(start), float(end))]
    return pairs


def test_reference_call_words_land_on_the_right_speaker(media_data: Path) -> None:
    turns = read_rttm(media_data / "sample.rttm")
    reference = read_stm(media_data / "sample.stm")
    words = [word for _, word in reference]

    labels = assign_speakers(words, turns)

    # The RTTM's anonymous labels map to the STM's names by majority.
    votes = Counter(zip((name for name, _ in reference), labels, strict=True))
    label_of = {name: label for (name, label), _ in votes.most_common()[::-1]}
    right = sum(label_of[name] == label for (name, _), label in zip(reference, labels, strict=True))
    assert len(set(label_of.values())) == 2
    assert right / len(words) >= 0.95


def test_lines_of_the_reference_call_follow_speaker_changes(media_data: Path) -> None:
    reference = read_stm(media_data / "sample.stm")
    transcript = Transcript(
        duration_seconds=30.0,
        model="reference",
        segments=[Segment(start=w.start, end=w.end, text=w.text, words=[w]) for _, w in reference],
    )
    diarization = Diarization(turns=read_rttm(media_data / "sample.rttm"))

    lines = attribute(transcript, diarization).lines

    assert lines[0].text == "Hello?"
    assert [line.text for line in lines[:4]] == [
        "Hello?",
        "Hello?",
        "Oh, hello.",
        "I didn't know you were there.",
    ]
    assert lines[0].speaker_label != lines[1].speaker_label
    assert all(a.start <= b.start for a, b in itertools.pairwise(lines))


def test_a_word_outside_every_turn_goes_to_the_nearest() -> None:
    turns = [
        SpeakerTurn(speaker_label="A", start=0.0, end=2.0),
        SpeakerTurn(speaker_label="B", start=10.0, end=12.0),
        SpeakerTurn(speaker_label="C", start=3.0, end=4.0),
    ]
    words = [
        Word(text="x", start=1.8, end=3.4),  # overlaps A by 0.2 and C by 0.4
        Word(text="y", start=8.0, end=8.5),  # no overlap; B is nearest
        Word(text="z", start=4.6, end=4.8),  # no overlap; C is nearest
    ]
    assert assign_speakers(words, turns) == ["C", "B", "C"]


def test_a_long_turn_is_found_even_behind_shorter_later_ones() -> None:
    turns = [
        SpeakerTurn(speaker_label="CHAIR", start=0.0, end=100.0),
        SpeakerTurn(speaker_label="WITNESS", start=10.0, end=11.0),
    ]
    assert assign_speakers([Word(text="w", start=50.0, end=51.0)], turns) == ["CHAIR"]


def test_without_turns_everything_is_one_speaker() -> None:
    words = [Word(text="Hello.", start=0, end=1)]
    assert assign_speakers(words, []) == [SINGLE_SPEAKER_LABEL]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "We will hear Int. 1234-2024 today. Mr. Lee will testify.",
            ["We will hear Int. 1234-2024 today.", "Mr. Lee will testify."],
        ),
        (
            "See Res. No. 5 on the agenda. It costs $1.2 billion. Dr. J. Smith agrees!",
            ["See Res. No. 5 on the agenda.", "It costs $1.2 billion.", "Dr. J. Smith agrees!"],
        ),
        (
            "We start at 10 a.m. tomorrow. Thank you.",
            ["We start at 10 a.m. tomorrow.", "Thank you."],
        ),
        ("Is that right? Yes.", ["Is that right?", "Yes."]),
    ],
)
def test_sentences_keep_civic_abbreviations_whole(text: str, sentences: list[str]) -> None:
    words = spread_words(text, 0.0, 10.0)
    lines = build_lines(words, ["S"] * len(words)).lines
    assert [line.text for line in lines] == sentences


def test_a_speaker_change_splits_a_sentence() -> None:
    words = spread_words("Thank you Chair Brewer and good morning.", 0.0, 4.0)
    labels = ["A", "A", "A", "A", "B", "B", "B"]

    lines = build_lines(words, labels).lines

    assert [(line.speaker_label, line.text) for line in lines] == [
        ("A", "Thank you Chair Brewer"),
        ("B", "and good morning."),
    ]
    assert [line.index for line in lines] == [0, 1]


def test_case_of_the_next_word_is_ignored_when_unreliable() -> None:
    assert not ends_sentence("council.", "good")
    assert ends_sentence("council.", "good", case_reliable=False)
    assert not ends_sentence("Int.", "1234", case_reliable=False)
