"""A hearing as speaker turns, and who speaks after (or before) a given line.

Diarization leaves crumbs: a "Yes." from the audience, a two-word fragment of the wrong
label in the middle of a testimony, a moderator saying "you should be able to unmute". So
"the next speaker" is the next other label that holds the floor for a while (a turn of at
least `FLOOR_WORDS` words), and "the one who just spoke" the last one that did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.schemas import Line

FLOOR_WORDS = 25
LOOKAHEAD_LINES = 60
LOOKBACK_LINES = 40


@dataclass(frozen=True)
class Turn:
    """Consecutive lines [start, stop) by one label."""

    label: str
    start: int
    stop: int
    words: int


@dataclass(frozen=True)
class Transcript:
    lines: Sequence[Line]
    turns: Sequence[Turn]
    turn_of_line: Sequence[int]

    @classmethod
    def of(cls, lines: Sequence[Line]) -> Transcript:
        turns: list[Turn] = []
        turn_of_line: list[int] = []
        start = 0
        for position in range(1, len(lines) + 1):
            if (
                position == len(lines)
                or lines[position].speaker_label != lines[start].speaker_label
            ):
                words = sum(len(line.text.split()) for line in lines[start:position])
                turns.append(Turn(lines[start].speaker_label, start, position, words))
                turn_of_line.extend([len(turns) - 1] * (position - start))
                start = position
        return cls(lines, turns, turn_of_line)

    def turn_at(self, line: int) -> Turn:
        return self.turns[self.turn_of_line[line]]

    def holds_floor(self, turn: Turn) -> bool:
        return turn.words >= FLOOR_WORDS

    def next_speakers(self, line: int, count: int = 1, *, new_only: bool = False) -> list[Turn]:
        """The first turns after `line` by other labels that hold the floor, one per label.

        `new_only` keeps labels that had not spoken before `line` (a panel being called up).
        """
        caller = self.lines[line].speaker_label
        before = {item.speaker_label for item in self.lines[:line]} if new_only else set()
        found: list[Turn] = []
        for turn in self.turns[self.turn_of_line[line] + 1 :]:
            if turn.start > line + LOOKAHEAD_LINES * count or len(found) == count:
                break
            seen = {item.label for item in found}
            if turn.label == caller or turn.label in before or turn.label in seen:
                continue
            if self.holds_floor(turn):
                found.append(turn)
        return found

    def previous_speaker(self, line: int) -> Turn | None:
        """The last turn before `line`'s turn by another label that held the floor."""
        current = self.turn_of_line[line]
        caller = self.lines[line].speaker_label
        for turn in reversed(self.turns[:current]):
            if turn.stop < line - LOOKBACK_LINES:
                return None
            if turn.label != caller and self.holds_floor(turn):
                return turn
        return None
