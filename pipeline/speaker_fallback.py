"""Speakers without a diarizer: the recognizer keeps its words, the turns come from elsewhere.

Broadcast captions mark each change of speaker with `>>`; the span of caption words between
two marks, timed by its cues, is one turn, and the recognizer's words go to the turn they
overlap most (as with diarization). The captions' own words are never used here: the
recognizer's are better. Without captions the whole hearing is one speaker.
"""

from __future__ import annotations

from pipeline.attribution import attribute
from pipeline.captions import deduplicated, labelled_words, parse_cues
from pipeline.schemas import Diarization, Lines, SpeakerTurn, Transcript


def caption_turns(captions_text: str) -> list[SpeakerTurn]:
    """One turn per stretch of the captions between two `>>` marks, in time order."""
    words, labels = labelled_words(deduplicated(parse_cues(captions_text)))
    turns: list[SpeakerTurn] = []
    for word, label in zip(words, labels, strict=True):
        if turns and turns[-1].speaker_label == label:
            last = turns[-1]
            turns[-1] = last.model_copy(update={"end": max(last.end, word.end)})
        else:
            turns.append(SpeakerTurn(speaker_label=label, start=word.start, end=word.end))
    return turns


def fallback_diarization(captions_text: str | None) -> Diarization:
    """Turns from the captions' speaker marks, or none (one speaker) without captions."""
    return Diarization(turns=caption_turns(captions_text) if captions_text else [])


def attribute_without_diarizer(transcript: Transcript, captions_text: str | None) -> Lines:
    """`lines.json` from the recognizer's words and the captions' turns (or one speaker)."""
    return attribute(transcript, fallback_diarization(captions_text))
