"""Words to speakers, then lines: each word goes to the speaker turn that overlaps it most.

Turns may overlap (reference annotations do); exclusive diarization gives one speaker at
a time. A word that no turn overlaps (diarization missed a short utterance) goes to the
nearest turn. Without any turn everything belongs to one speaker.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate

from pipeline.schemas import Diarization, Lines, SpeakerTurn, Transcript, Word
from pipeline.sentences import build_lines, spread_words

SINGLE_SPEAKER_LABEL = "SPEAKER_00"


class TurnIndex:
    """Turns sorted by start, with the running latest end to stop backward scans early."""

    def __init__(self, turns: Sequence[SpeakerTurn]) -> None:
        self.turns = sorted(turns, key=lambda turn: (turn.start, turn.end))
        self.starts = [turn.start for turn in self.turns]
        # latest_reaching[i]: among turns[:i + 1], the one that ends last.
        self.latest_reaching = list(
            accumulate(self.turns, lambda best, turn: turn if turn.end > best.end else best)
        )

    def _before(self, time: float) -> int:
        """Number of turns that start before `time`."""
        return bisect_left(self.starts, time)

    def best_overlap(self, start: float, end: float) -> SpeakerTurn | None:
        best, best_overlap = None, 0.0
        position = self._before(end) - 1
        while position >= 0 and self.latest_reaching[position].end > start:
            turn = self.turns[position]
            overlap = min(end, turn.end) - max(start, turn.start)
            # On a tie (overlapping turns) the speaker who already held the floor keeps it.
            if overlap > 0 and overlap >= best_overlap:
                best, best_overlap = turn, overlap
            position -= 1
        return best

    def nearest(self, start: float, end: float) -> SpeakerTurn:
        middle = (start + end) / 2
        position = self._before(middle)
        candidates = self.turns[position : position + 1]
        if position > 0:
            candidates.append(self.latest_reaching[position - 1])
        return min(candidates, key=lambda turn: _distance(turn, middle))


def _distance(turn: SpeakerTurn, time: float) -> float:
    return max(turn.start - time, time - turn.end, 0.0)


def assign_speakers(words: Sequence[Word], turns: Sequence[SpeakerTurn]) -> list[str]:
    """The speaker label of each word."""
    if not turns:
        return [SINGLE_SPEAKER_LABEL] * len(words)
    index = TurnIndex(turns)
    labels = []
    for word in words:
        turn = index.best_overlap(word.start, word.end) or index.nearest(word.start, word.end)
        labels.append(turn.speaker_label)
    return labels


def transcript_words(transcript: Transcript) -> list[Word]:
    """All words in time order; segments without word times get spread words."""
    words: list[Word] = []
    for segment in transcript.segments:
        if segment.words:
            words.extend(word for word in segment.words if word.text.strip())
        else:
            words.extend(spread_words(segment.text, segment.start, segment.end))
    return sorted(words, key=lambda word: word.start)


def attribute(transcript: Transcript, diarization: Diarization) -> Lines:
    """`lines.json` from `transcript.json` and `diarization.json`."""
    words = transcript_words(transcript)
    return build_lines(words, assign_speakers(words, diarization.turns))


def lines_summary(lines: Lines) -> str:
    speakers = len({line.speaker_label for line in lines.lines})
    return f"{len(lines.lines)} lines, {speakers} speaker labels"
