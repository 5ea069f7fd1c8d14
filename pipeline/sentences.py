"""Sentences from timed words, and lines from sentences by one speaker each.

Civic speech is full of periods that do not end a sentence: "Int. 1234-2024", "Mr. Lee",
"No. 5", "Dr. Vasan", "J. Smith", "$1.2 billion", "10 a.m. tomorrow". A word ends a
sentence only when it ends in . ? or ! and is not one of those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.schemas import Line, Lines, Word

# Lower-case, without the final period.
ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "gov", "sen", "rep", "assemb",
        "lt", "sgt", "capt", "cmdr", "det", "insp", "supt", "chief", "gen", "col", "maj",
        "jr", "sr", "st", "ave", "blvd", "rd", "dept", "govt", "inc", "corp", "co", "ltd",
        "int", "res", "intro", "no", "nos", "vol", "art", "sec", "para", "ch", "fig",
        "vs", "v", "e.g", "i.e", "approx", "est", "jan", "feb", "mar", "apr", "aug",
        "sept", "sep", "oct", "nov", "dec", "u.s", "n.y", "n.y.c",
    }
)  # fmt: skip
SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")
INITIAL = re.compile(r"^[A-Z]\.$")
# A silence this long starts a new line even without punctuation (unpunctuated captions).
LONG_PAUSE_SECONDS = 3.0


def sentence_rules() -> dict[str, object]:
    """The rules above as data, for the fingerprints of the stages that build lines."""
    return {
        "abbreviations": sorted(ABBREVIATIONS),
        "end": SENTENCE_END.pattern,
        "initial": INITIAL.pattern,
        "long_pause": LONG_PAUSE_SECONDS,
    }


def _bare(word: str) -> str:
    return word.strip().strip("\"'()[]").rstrip(".").lower()


def ends_sentence(word: str, next_word: str | None, *, case_reliable: bool = True) -> bool:
    """Whether `word` ends a sentence, given the word after it (None at the end).

    Captions are often all upper or all lower case: then the case of the next word
    says nothing, and only the abbreviation list and numbers decide.
    """
    text = word.strip()
    if not SENTENCE_END.search(text):
        return False
    if text.endswith(("?", "!")) or next_word is None:
        return True
    following = next_word.strip()
    if _bare(text) in ABBREVIATIONS or INITIAL.match(text):
        return False
    # A lower-case or numeric continuation means the period belonged to an abbreviation
    # we do not list ("10 a.m. tomorrow", "approx. 40").
    if following[:1].isdigit():
        return False
    return not (case_reliable and following[:1].islower())


def join_words(words: Sequence[Word]) -> str:
    return " ".join(word.text.strip() for word in words if word.text.strip())


def _starts_line(
    words: Sequence[Word], labels: Sequence[str], position: int, case_reliable: bool
) -> bool:
    if position == 0:
        return True
    previous = words[position - 1]
    current = words[position]
    return (
        labels[position] != labels[position - 1]
        or ends_sentence(previous.text, current.text, case_reliable=case_reliable)
        or current.start - previous.end >= LONG_PAUSE_SECONDS
    )


def build_lines(
    words: Sequence[Word], labels: Sequence[str], *, case_reliable: bool = True
) -> Lines:
    """One line per sentence, and a new line wherever the speaker label changes."""
    if len(words) != len(labels):
        raise ValueError(f"{len(words)} words but {len(labels)} speaker labels")
    groups: list[tuple[str, list[Word]]] = []
    for position, word in enumerate(words):
        if _starts_line(words, labels, position, case_reliable):
            groups.append((labels[position], []))
        groups[-1][1].append(word)
    lines = [
        Line(
            index=index,
            speaker_label=label,
            start=group[0].start,
            end=max(word.end for word in group),
            text=join_words(group),
            words=list(group),
        )
        for index, (label, group) in enumerate(groups)
    ]
    return Lines(lines=lines)


def spread_words(text: str, start: float, end: float) -> list[Word]:
    """Words of an untimed text, with times spread over [start, end] by character count.

    Captions and word-less ASR segments only time whole cues; this gives each word a
    plausible time so that lines and speaker turns can still be matched.
    """
    tokens = text.split()
    total = sum(len(token) for token in tokens)
    words: list[Word] = []
    cursor = start
    for token in tokens:
        width = (end - start) * len(token) / total if total else 0.0
        words.append(Word(text=token, start=round(cursor, 3), end=round(cursor + width, 3)))
        cursor += width
    return words
