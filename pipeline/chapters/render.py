"""How a transcript is shown to a model: speakers by name and role, lines by number.

The boundary pass sees a condensed view, since a boundary almost always falls where the
speaker changes: one entry per speaker turn, `[412] S3: its first few words …`, so a window
holds hours of hearing for a fraction of its tokens. A turn runs until the next entry; a
one-line interjection ("Yes.", "Thank you.", a diarization slip) between two stretches of
the same speaker is folded into that speaker's turn rather than splitting it in three, and
a line where the speaker hands over ("our next speaker", "you may proceed") starts an entry
of its own, since a chair often closes one chapter and opens the next in a single turn.
Speakers go by short handles that a legend atop the window resolves to names and roles: a
full name on each of thousands of turns would cost more than the words shown. The writing
pass sees a chapter's full text, one paragraph per turn headed by the speaker's name,
without line numbers, under a list of the call's speakers with their roles.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.chapters.segmentation import PROCEDURAL_CUE
from pipeline.schemas import Line, SpeakerIdentities, SpeakerIdentity

# A turn's first words carry its cue ("Thank you. Our next panel will", "Good morning, my
# name is", "My question is for"); the rest of a long turn says little about where it starts.
OPENING_WORDS = 7
# "Yes.", "Here.", "Thank you so much.", "Two minutes.": no chapter starts with these.
INTERJECTION_WORDS = 6


@dataclass(frozen=True)
class SpeakerDirectory:
    """Who each diarization label is; an unnamed label is shown as itself."""

    identities: dict[str, SpeakerIdentity]

    @classmethod
    def from_identities(cls, identities: SpeakerIdentities | None) -> SpeakerDirectory:
        return cls(identities.by_label() if identities else {})

    def name(self, label: str) -> str:
        identity = self.identities.get(label)
        return identity.display_name if identity else label

    def role(self, label: str) -> str | None:
        identity = self.identities.get(label)
        return identity.role if identity else None

    def person_id(self, label: str) -> int | None:
        identity = self.identities.get(label)
        return identity.person_id if identity else None

    def organization(self, label: str) -> str | None:
        identity = self.identities.get(label)
        return identity.organization if identity else None

    def describe(self, label: str) -> str:
        role = self.role(label)
        return f"{self.name(label)} ({role})" if role else self.name(label)


@dataclass(frozen=True)
class Entry:
    """One speaker turn in the condensed view: lines [first_line, stop_line)."""

    first_line: int
    stop_line: int
    speaker_label: str
    opening: str


def speaker_turns(lines: Sequence[Line]) -> Iterator[Sequence[Line]]:
    """Runs of consecutive lines by the same speaker."""
    start = 0
    for position in range(1, len(lines) + 1):
        if position == len(lines) or lines[position].speaker_label != lines[start].speaker_label:
            yield lines[start:position]
            start = position


def shorten(text: str, max_words: int) -> str:
    words = text.split()
    return text if len(words) <= max_words else " ".join(words[:max_words]) + " …"


def is_interjection(turns: Sequence[Sequence[Line]], position: int, speaker_label: str) -> bool:
    """A short one-line turn after which `speaker_label` simply goes on."""
    turn = turns[position]
    return (
        position + 1 < len(turns)
        and len(turn) == 1
        and len(turn[0].text.split()) <= INTERJECTION_WORDS
        and turns[position + 1][0].speaker_label == speaker_label
    )


def boundary_turns(lines: Sequence[Line]) -> list[list[Line]]:
    """Speaker turns with interjections folded into the turn they interrupt."""
    turns = list(speaker_turns(lines))
    folded: list[list[Line]] = []
    for position, turn in enumerate(turns):
        current = folded[-1][0].speaker_label if folded else None
        if current is not None and (
            turn[0].speaker_label == current or is_interjection(turns, position, current)
        ):
            folded[-1].extend(turn)
        else:
            folded.append(list(turn))
    return folded


def handover_parts(turn: Sequence[Line]) -> Iterator[Sequence[Line]]:
    """A turn cut where its speaker hands over, by the offline chapterer's procedural cues."""
    start = 0
    for position in range(1, len(turn) + 1):
        if position == len(turn) or (
            turn[position].speaker_label == turn[0].speaker_label
            and PROCEDURAL_CUE.search(turn[position].text)
        ):
            yield turn[start:position]
            start = position


def condensed_entries(lines: Sequence[Line], *, max_words: int = OPENING_WORDS) -> list[Entry]:
    """The boundary view: each turn's (and handover's) first line number and first words."""
    return [
        Entry(
            part[0].index,
            part[-1].index + 1,
            part[0].speaker_label,
            shorten(" ".join(line.text for line in part), max_words),
        )
        for turn in boundary_turns(lines)
        for part in handover_parts(turn)
    ]


def speaker_handles(lines: Sequence[Line]) -> dict[str, str]:
    """Short handles (S1, S2, …) for a hearing's speakers, in order of first appearance."""
    labels = dict.fromkeys(line.speaker_label for line in lines)
    return {label: f"S{number}" for number, label in enumerate(labels, 1)}


def window_legend(
    entries: Sequence[Entry], speakers: SpeakerDirectory, handles: dict[str, str]
) -> str:
    """Who each handle in a window is, with their role, one speaker per line."""
    labels = dict.fromkeys(entry.speaker_label for entry in entries)
    return "\n".join(f"{handles[label]} = {speakers.describe(label)}" for label in labels)


def window_text(entries: Sequence[Entry], handles: dict[str, str]) -> str:
    return "\n".join(f"[{e.first_line}] {handles[e.speaker_label]}: {e.opening}" for e in entries)


def chapter_text(lines: Sequence[Line], speakers: SpeakerDirectory) -> str:
    """A chapter's full text, one paragraph per speaker turn, each headed by the name alone."""
    return "\n".join(
        f"{speakers.name(turn[0].speaker_label)}: {' '.join(line.text for line in turn)}"
        for turn in speaker_turns(lines)
    )


def speaker_list(lines: Sequence[Line], speakers: SpeakerDirectory) -> str:
    """Everyone who speaks in `lines`, in order of first appearance, with their role."""
    labels = dict.fromkeys(line.speaker_label for line in lines)
    return "; ".join(speakers.describe(label) for label in labels)


def transcript_text(lines: Sequence[Line]) -> str:
    """The bare words of a transcript: the baseline against which prompt sizes are judged."""
    return "\n".join(line.text for line in lines)
