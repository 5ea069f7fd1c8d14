"""How a transcript is shown to a model: speakers by name and role, lines by number.

The boundary pass sees a condensed view, since a boundary almost always falls where the
speaker changes: one entry per speaker turn, `[412] S3: first words … [430] last line's
words`, so a window holds hours of hearing for a fraction of its tokens. A turn's range
is not spelled out (the next entry starts after it), and speakers go by short handles
that a legend atop the window resolves to names and roles: a full name on each of
thousands of turns would cost more than the words shown. The writing pass sees a
chapter's full text, one paragraph per turn headed by the speaker's name, without line
numbers, under a list of the call's speakers with their roles.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.schemas import Line, SpeakerIdentities, SpeakerIdentity


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


def condensed_entries(lines: Sequence[Line], *, max_words: int = 8) -> list[Entry]:
    """One entry per speaker turn: its line numbers, its first words and its last line's.

    The last line is shown because a chair often closes a turn with the transition
    ("Next we will hear from the Department of Transportation").
    """
    entries = []
    for turn in speaker_turns(lines):
        opening = shorten(" ".join(line.text for line in turn[:-1]) or turn[0].text, max_words)
        if len(turn) > 1:
            opening += f" [{turn[-1].index}] {shorten(turn[-1].text, max_words)}"
        entries.append(Entry(turn[0].index, turn[-1].index + 1, turn[0].speaker_label, opening))
    return entries


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
