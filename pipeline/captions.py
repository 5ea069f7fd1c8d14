"""Captions (WebVTT or SRT) into `lines.json`: the cheap path, and the fallback without ASR.

Broadcast captions are "roll-up": each cue repeats the line(s) already on screen and adds
one, or grows the last line word by word; they are often ALL CAPS, and a speaker change is
marked with `>>` (or `>>>`). This module removes the repeats, turns each `>>` into a new
speaker label (the captions never say who speaks, and a label per turn never merges two
people by mistake), rebuilds sentences and restores sentence case when the text shouts.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from pipeline.artifacts import ArtifactError, file_sha256
from pipeline.attribution import lines_summary
from pipeline.errors import HearingsError
from pipeline.glossary import known_terms
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import Line, Lines, Word
from pipeline.sentences import SENTENCE_END, build_lines, join_words, sentence_rules, spread_words
from pipeline.stages import Stage, StageCall, StageDeclaration

CAPTIONS_FILE = "captions.vtt"

SPEAKER_MARK = re.compile(r">{2,}")
TAG = re.compile(r"<[^>]+>")
# Captions this upper-case are shouting: lower them and capitalize sentence starts.
SHOUTING_SHARE = 0.7
PRONOUN_I = re.compile(r"^i(?=$|['’,.;:?!])")
POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "dr"})
EDGE_PUNCTUATION = "\"'()[],.;:?!"


class CaptionsError(HearingsError, ValueError):
    """The captions file cannot be read as WebVTT or SRT."""


class CaptionsUnavailableError(ArtifactError):
    """The source offered no captions, so the captions path cannot run."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def _seconds(timestamp: webvtt.models.Timestamp) -> float:
    return (
        timestamp.hours * 3600
        + timestamp.minutes * 60
        + timestamp.seconds
        + timestamp.milliseconds / 1000
    )


def _clean(line: str) -> str:
    return " ".join(html.unescape(TAG.sub("", line)).split())


def parse_cues(text: str) -> list[Cue]:
    """Cues of a WebVTT or SRT document, with markup removed and entities decoded."""
    text = text.lstrip("\ufeff")
    caption_format = "vtt" if text.lstrip().startswith("WEBVTT") else "srt"
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=caption_format)
    except MalformedFileError as error:
        raise CaptionsError(f"not a WebVTT or SRT captions file: {error}") from error
    cues = []
    for caption in captions:
        lines = tuple(line for line in map(_clean, caption.text.splitlines()) if line)
        if lines:
            cues.append(Cue(_seconds(caption.start_time), _seconds(caption.end_time), lines))
    return cues


def _key(line: str) -> str:
    """A line as compared across cues: case-folded, without speaker marks."""
    return " ".join(SPEAKER_MARK.sub(" ", line.casefold()).split())


def _without_first_words(line: str, count: int) -> str:
    """`line` minus its first `count` words (speaker marks among them do not count)."""
    tokens = SPEAKER_MARK.sub(" >> ", line).split()
    seen = 0
    for position, token in enumerate(tokens):
        if seen == count:
            return " ".join(tokens[position:])
        seen += token != ">>"
    return ""


def _new_text(shown: list[str], cue: Cue) -> list[str]:
    """The part of `cue` not already on screen (the lines in `shown`, oldest first)."""
    keys = [_key(line) for line in cue.lines]
    shown_keys = [_key(line) for line in shown]
    repeated = 0
    for count in range(min(len(keys), len(shown_keys)), 0, -1):
        if keys[:count] == shown_keys[-count:]:
            repeated = count
            break
    fresh = list(cue.lines[repeated:])
    if fresh and shown and repeated == 0:
        # Paint-on growth: the last line on screen comes back with more words.
        last = shown_keys[-1]
        first_key = _key(fresh[0])
        if last and first_key.startswith(last + " "):
            fresh[0] = _without_first_words(fresh[0], len(last.split()))
    return fresh


def deduplicated(cues: Iterable[Cue]) -> list[Cue]:
    """Cues holding only the text each one adds to the screen."""
    result: list[Cue] = []
    shown: list[str] = []
    for cue in cues:
        fresh = _new_text(shown, cue)
        shown = list(cue.lines)
        if fresh:
            result.append(Cue(cue.start, cue.end, tuple(fresh)))
    return result


def labelled_words(cues: Iterable[Cue]) -> tuple[list[Word], list[str]]:
    """Timed words and their speaker labels: every `>>` after the first word is a new turn."""
    words: list[Word] = []
    labels: list[str] = []
    turn = 0
    for cue in cues:
        # A mark may stick to its neighbours ("&!>>"): make it a piece of its own.
        pieces = SPEAKER_MARK.split(" ".join(cue.lines))
        timed = iter(spread_words(" ".join(pieces), cue.start, cue.end))
        for number, piece in enumerate(pieces):
            if number and words:
                turn += 1
            for word in (next(timed) for _ in piece.split()):
                words.append(word)
                labels.append(f"SPEAKER_{turn:02d}")
    return words, labels


def is_shouting(words: Iterable[Word]) -> bool:
    letters = [char for word in words for char in word.text if char.isalpha()]
    upper = sum(char.isupper() for char in letters)
    return bool(letters) and upper / len(letters) >= SHOUTING_SHARE


def _restore_word(text: str, capitalize: bool, lower: bool, terms: dict[str, str]) -> str:
    if lower:
        text = text.lower()
    core = POSSESSIVE.sub("", text.strip(EDGE_PUNCTUATION))
    if core.casefold() in terms:
        return text.replace(core, terms[core.casefold()], 1)
    text = PRONOUN_I.sub("I", text)
    if capitalize:
        index = next((i for i, char in enumerate(text) if char.isalpha()), None)
        if index is not None:
            text = text[:index] + text[index].upper() + text[index + 1 :]
    return text


def _starts_sentence(lines: list[Line], position: int) -> bool:
    """False for a line split off by a pause in the middle of a sentence."""
    if position == 0 or lines[position - 1].speaker_label != lines[position].speaker_label:
        return True
    previous = lines[position - 1].words
    return not previous or bool(SENTENCE_END.search(previous[-1].text))


def _capitalized_positions(words: list[Word]) -> set[int]:
    """The first word, honorifics and the names right after them ("Ms. Lee")."""
    positions = {0}
    for position, word in enumerate(words):
        if word.text.rstrip(".").casefold() in HONORIFICS:
            positions |= {position, position + 1}
    return positions


def restore_case(lines: Lines, known_terms: Iterable[str] = ()) -> Lines:
    """Sentence case (and known terms such as NYCHA or MyCity in their own spelling)."""
    terms = {term.casefold(): term for term in known_terms if term.strip()}
    lower = is_shouting(word for line in lines.lines for word in line.words)
    restored = []
    for position, line in enumerate(lines.lines):
        capitalized = _capitalized_positions(line.words)
        if not _starts_sentence(lines.lines, position):
            capitalized.discard(0)
        words = [
            word.model_copy(
                update={"text": _restore_word(word.text, i in capitalized, lower, terms)}
            )
            for i, word in enumerate(line.words)
        ]
        restored.append(line.model_copy(update={"words": words, "text": join_words(words)}))
    return Lines(lines=restored)


def captions_to_lines(text: str, known_terms: Iterable[str] = ()) -> Lines:
    """`lines.json` from a WebVTT or SRT document."""
    words, labels = labelled_words(deduplicated(parse_cues(text)))
    return restore_case(build_lines(words, labels, case_reliable=False), known_terms)


def _captions_file(call: StageCall) -> Path:
    captions = call.folder / CAPTIONS_FILE
    if not captions.is_file():
        raise CaptionsUnavailableError(
            f"{call.context.slug} has no {CAPTIONS_FILE}: its source offered no captions"
        )
    return captions


def _known_terms(call: StageCall) -> list[str]:
    """The glossary and the roster's names: cheap to redo, so a new roster re-runs it."""
    roster = call.read_optional(ROSTER_ARTIFACT, Roster)
    return known_terms(call.settings.asr.glossary_file, roster)


def _captions_options(call: StageCall) -> object:
    return {
        "captions": file_sha256(_captions_file(call)),
        "terms": _known_terms(call),
        "marks": [SPEAKER_MARK.pattern, SHOUTING_SHARE, sorted(HONORIFICS)],
        "sentences": sentence_rules(),
    }


def _captions_stage(call: StageCall) -> Lines:
    text = _captions_file(call).read_text(encoding="utf-8-sig")
    return captions_to_lines(text, _known_terms(call))


CAPTIONS_STAGE = StageDeclaration(
    name=Stage.ATTRIBUTE,
    variant="captions",
    version="1",
    inputs=("source",),
    output="lines",
    contract=Lines,
    compute=_captions_stage,
    summary=lines_summary,
    options=_captions_options,
)
