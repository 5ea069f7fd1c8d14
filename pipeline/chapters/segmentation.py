"""TextTiling-style topic shifts over TF-IDF, with speaker-change and procedural cues.

Each gap between two lines gets the cosine similarity of the TF-IDF sums of the lines
just before and just after it; a gap deep in a valley of that curve is a topic shift
(Hearst's depth score). Hearings add two strong signals: chapters start where the
speaker changes, and the chair's procedural phrases ("our next speaker", "thank you
for your testimony") mark the seams.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.schemas import Line

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just know like me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own really right same she should so some such
    than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves yes okay ok um uh thank thanks going get got
    want think one two well very much lot kind sort mean actually say said make way thing
    things today let us can't don't it's that's we're i'm you're there's they're we've i've
    im dont its thats were youre""".split()  # noqa: SIM905 (a word list reads better as text)
)
PROCEDURAL_CUE = re.compile(
    r"\b(next (speaker|panel|witness|person)|call(ing)? (up|on|the roll)|roll call|"
    r"thank you for (your|coming|being)|(please|you may) (begin|start|proceed)|"
    r"state your name|(turn|move) to|we will now|adjourn|recess|quorum|the vote|"
    r"(first|next) (up|we have)|concludes?)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[a-z][a-z']+")
VOCABULARY_SIZE = 2048
# The stretch compared on each side of a gap: long enough to hold a topic. On the
# citymeetings CPC hearing, blocks of about 50 s scored boundary F1 0.70, 80–120 s 0.77.
BLOCK_SECONDS = 100.0


def content_words(text: str) -> list[str]:
    return [word for word in WORD.findall(text.lower()) if word not in STOPWORDS and len(word) > 2]


@dataclass(frozen=True)
class TermWeights:
    """L2-normalised TF-IDF rows of the lines over the hearing's most useful words."""

    vocabulary: dict[str, int]
    idf: np.ndarray
    rows: np.ndarray

    @classmethod
    def of(cls, lines: Sequence[Line]) -> TermWeights:
        documents = [content_words(line.text) for line in lines]
        frequency = Counter(word for words in documents for word in set(words))
        # Words in more than a tenth of the lines say nothing about where a topic changes.
        ceiling = max(2, len(documents) // 10)
        useful = [word for word, count in frequency.most_common() if 1 < count <= ceiling]
        vocabulary = {word: column for column, word in enumerate(useful[:VOCABULARY_SIZE])}
        idf = np.array(
            [math.log(len(documents) / frequency[word]) for word in vocabulary], dtype=np.float32
        )
        rows = np.zeros((len(documents), len(vocabulary)), dtype=np.float32)
        for row, words in enumerate(documents):
            for word in words:
                if (column := vocabulary.get(word)) is not None:
                    rows[row, column] += 1.0
        rows *= idf
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return cls(vocabulary, idf, rows / np.where(norms == 0, 1.0, norms))


def gap_similarity(rows: np.ndarray, block: int) -> np.ndarray:
    """Cosine similarity across each gap g (between lines g-1 and g), for g in 1..n-1."""
    prefix = np.vstack([np.zeros((1, rows.shape[1])), np.cumsum(rows, axis=0, dtype=np.float64)])
    gaps = np.arange(1, rows.shape[0])
    left = prefix[gaps] - prefix[np.maximum(gaps - block, 0)]
    right = prefix[np.minimum(gaps + block, rows.shape[0])] - prefix[gaps]
    norms = np.linalg.norm(left, axis=1) * np.linalg.norm(right, axis=1)
    return np.einsum("ij,ij->i", left, right) / np.where(norms == 0, 1.0, norms)


def depth_scores(similarity: np.ndarray) -> np.ndarray:
    """How far each gap sits below the nearest peak on each side of it (Hearst 1997)."""
    depth = np.empty_like(similarity)
    for gap, value in enumerate(similarity):
        depth[gap] = _climb(similarity, gap, -1) + _climb(similarity, gap, 1) - 2 * value
    return depth


def _climb(values: np.ndarray, start: int, step: int) -> float:
    peak, position = values[start], start + step
    while 0 <= position < len(values) and values[position] >= peak:
        peak, position = values[position], position + step
    return float(peak)


def block_size(lines: Sequence[Line], seconds: float = BLOCK_SECONDS) -> int:
    """Lines in about `seconds` of speech: blocks compare stretches of time, not line counts."""
    durations = [line.end - line.start for line in lines]
    typical = float(np.median(durations)) if durations else 0.0
    return int(np.clip(round(seconds / typical) if typical > 0 else 10, 4, 40))


def gap_scores(lines: Sequence[Line], weights: TermWeights, block: int | None = None) -> np.ndarray:
    """A boundary score for every gap g in 1..n-1 (index g-1 of the result)."""
    if len(lines) < 2:
        return np.zeros(0, dtype=np.float32)
    block = block or block_size(lines)
    depth = depth_scores(gap_similarity(weights.rows, block))
    speaker_change = np.array(
        [lines[g].speaker_label != lines[g - 1].speaker_label for g in range(1, len(lines))]
    )
    cue = np.array(
        [
            bool(PROCEDURAL_CUE.search(lines[g - 1].text + " " + lines[g].text))
            for g in range(1, len(lines))
        ]
    )
    # Rounded so that last-bit differences of SIMD sums never reorder near-equal gaps.
    return np.round(depth + 0.25 * speaker_change + 0.1 * (cue & speaker_change), 6)


def best_split(lines: Sequence[Line], start: int, stop: int) -> int:
    """The strongest shift inside lines [start, stop), away from both ends."""
    part = lines[start:stop]
    scores = gap_scores(part, TermWeights.of(part), block=max(2, min(10, len(part) // 6)))
    margin = max(1, len(part) // 5)
    inner = scores[margin - 1 : len(part) - margin]
    if inner.size == 0:
        return start + len(part) // 2
    return start + margin + int(np.argmax(inner))
