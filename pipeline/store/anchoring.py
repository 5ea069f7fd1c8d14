"""Where a person's chapter and speaker name belong once the lines under them change.

Line indices only mean something inside one version of the transcript. A person's chapter
is anchored by the time span and text of the lines it covered; in a new transcript it takes
the new lines inside that span when their text still reads alike, and is kept aside
otherwise. A person's speaker name follows the voice: the new label that shares most of the
old label's speaking time, and whose time is mostly that old label's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz

# Below this similarity (0-100) of old and new text, the span holds other words now.
SAME_TEXT_SCORE = 60.0
# A voice is followed only when the new label holds over half of the old label's time,
# and that time is over half of the new label's.
VOICE_MAJORITY = 0.5
NON_WORD = re.compile(r"\W+")


class TimedLine(Protocol):
    """What anchoring reads of a line: a stored TranscriptLine or a schema Line."""

    speaker_label: str
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Anchor:
    """New lines `[start_line, stop_line)`, or `reason` why the chapter cannot be placed."""

    start_line: int = 0
    stop_line: int = 0
    text_score: float = 100.0
    reason: str | None = None


def same_lines(old: Sequence[TimedLine], new: Sequence[TimedLine]) -> bool:
    return len(old) == len(new) and all(
        (a.speaker_label, a.start, a.end, a.text) == (b.speaker_label, b.start, b.end, b.text)
        for a, b in zip(old, new, strict=True)
    )


def _words(lines: Sequence[TimedLine]) -> str:
    return " ".join(NON_WORD.sub(" ", line.text.casefold()).strip() for line in lines)


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def anchor_span(covered: Sequence[TimedLine], new: Sequence[TimedLine]) -> Anchor:
    """The new lines whose middle falls inside the time span of `covered`, if they say
    nearly the same words."""
    if not covered:
        return Anchor(reason="it covered no lines")
    start, end = covered[0].start, covered[-1].end
    span = f"{_clock(start)}–{_clock(end)}"
    inside = [i for i, line in enumerate(new) if start <= (line.start + line.end) / 2 <= end]
    if not inside:
        return Anchor(reason=f"the new transcript has no lines in {span}")
    first, last = inside[0], inside[-1] + 1
    score = fuzz.ratio(_words(covered), _words(new[first:last]))
    if score < SAME_TEXT_SCORE:
        return Anchor(reason=f"the words in {span} changed ({score:.0f} % alike)")
    return Anchor(first, last, score)


def _label_overlaps(
    old: Sequence[TimedLine], new: Sequence[TimedLine]
) -> dict[tuple[str, str], float]:
    """Seconds each (old label, new label) pair speak at the same time; both lists in time
    order."""
    shared: dict[tuple[str, str], float] = defaultdict(float)
    i = j = 0
    while i < len(old) and j < len(new):
        overlap = min(old[i].end, new[j].end) - max(old[i].start, new[j].start)
        if overlap > 0:
            shared[old[i].speaker_label, new[j].speaker_label] += overlap
        if old[i].end <= new[j].end:
            i += 1
        else:
            j += 1
    return shared


def _speaking_time(lines: Sequence[TimedLine]) -> dict[str, float]:
    seconds: dict[str, float] = defaultdict(float)
    for line in lines:
        seconds[line.speaker_label] += max(0.0, line.end - line.start)
    return seconds


def follow_voices(
    old: Sequence[TimedLine], new: Sequence[TimedLine], labels: set[str]
) -> dict[str, str | None]:
    """For each old label in `labels`, the new label of the same voice, or None."""
    shared = _label_overlaps(old, new)
    old_time, new_time = _speaking_time(old), _speaking_time(new)
    candidates = []
    for (old_label, new_label), seconds in shared.items():
        if old_label not in labels:
            continue
        share = min(seconds / old_time[old_label], seconds / new_time[new_label])
        if share > VOICE_MAJORITY:
            candidates.append((seconds, old_label, new_label))
    placed: dict[str, str | None] = dict.fromkeys(labels)
    taken: set[str] = set()
    for _seconds, old_label, new_label in sorted(candidates, reverse=True):
        if placed[old_label] is None and new_label not in taken:
            placed[old_label] = new_label
            taken.add(new_label)
    return placed
