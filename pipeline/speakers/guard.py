"""Never invent a name: what may name a label, and what a label may not share.

A name stands only when it is a roster member's or when its words were said in the hearing
by or about that speaker (in the label's own lines or the lines around its turns). One
person named for several labels is a diarization split when the evidence for each is
strong; a label that got the person only on weak evidence next to a strong one loses it.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from pipeline.speakers.evidence import Verdict
from pipeline.speakers.names import RosterIndex, fold, name_tokens
from pipeline.speakers.turns import Transcript

AROUND_TURN = 2
SAID_WORD = 88
WEAK_SHARE = 0.5


def words_near(transcript: Transcript, label: str) -> set[str]:
    """The folded words of `label`'s lines and of the lines just before and after its turns."""
    words: set[str] = set()
    for turn in transcript.turns:
        if turn.label != label:
            continue
        start = max(0, turn.start - AROUND_TURN)
        for line in transcript.lines[start : turn.stop + AROUND_TURN]:
            words.update(fold(line.text).split())
    return words


def said_about(name: str, words: Iterable[str]) -> bool:
    """Every word of the name was said (allowing for a letter or two of ASR spelling)."""
    vocabulary = list(words)
    tokens = name_tokens(name)
    return bool(tokens) and all(
        any(fuzz.ratio(token, word) >= SAID_WORD for word in vocabulary) for token in tokens
    )


def grounded(name: str, label: str, transcript: Transcript, roster: RosterIndex) -> bool:
    return roster.match(name) is not None or said_about(name, words_near(transcript, label))


def person_key(verdict: Verdict) -> str | None:
    candidate = verdict.candidate
    if candidate is None:
        return None
    if candidate.member is not None:
        return f"roster:{candidate.member.person_id}"
    return "name:" + " ".join(name_tokens(candidate.name))


def drop_weak_duplicates(verdicts: dict[str, Verdict]) -> dict[str, Verdict]:
    """One person on several labels keeps only the labels with strong evidence for it."""
    best: dict[str, float] = {}
    for verdict in verdicts.values():
        if (key := person_key(verdict)) and verdict.candidate:
            best[key] = max(best.get(key, 0.0), verdict.candidate.score)
    kept: dict[str, Verdict] = {}
    for label, verdict in verdicts.items():
        key = person_key(verdict)
        weak = (
            key is not None
            and verdict.candidate is not None
            and (verdict.candidate.score < WEAK_SHARE * best[key])
        )
        kept[label] = Verdict(label, None, 0.0) if weak else verdict
    return kept
