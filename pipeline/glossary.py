"""Civic terms and roster names for the recognizer, within Whisper's prompt budget (pure).

The glossary ships inside the package (`pipeline/glossary.txt`), so every data folder and
every worker has it; `HEARINGS_ASR__GLOSSARY_FILE` adds terms to it. faster-whisper puts
hotwords in the decoder prompt and keeps only the first `max_length // 2 - 1` tokens
(223 for Whisper), silently: here the budget is counted with the model's own tokenizer and
spent in the order of the groups the caller gives (the stage gives the committee, then the
glossary, then the other people who could speak), and what does not fit is reported.
By default none of this reaches the recognizer (`HEARINGS_ASR__VOCABULARY=off`): measured with
benchmarks/asr_glossary.py, neither hotwords nor an initial prompt helped consistently, and
on the sequential decoder both made the text much worse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pipeline.errors import HearingsError
from pipeline.roster import Roster

PACKAGED_GLOSSARY = "glossary.txt"
# Whisper's decoder holds 448 tokens; faster-whisper gives the prompt half, minus one.
WHISPER_MAX_LENGTH = 448
HOTWORD_TOKEN_BUDGET = WHISPER_MAX_LENGTH // 2 - 1
SEPARATOR = ", "


class GlossaryFileMissing(HearingsError, FileNotFoundError):
    """The configured extra glossary file does not exist."""


def parse_terms(text: str) -> list[str]:
    """Terms, one per line; blank lines and '#' comments are ignored."""
    terms = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [term for term in terms if term]


def packaged_terms() -> list[str]:
    return parse_terms(resources.files("pipeline").joinpath(PACKAGED_GLOSSARY).read_text("utf-8"))


def glossary_terms(extra_file: Path | None = None) -> list[str]:
    """The packaged glossary, then the terms of `extra_file` it lacks."""
    terms = packaged_terms()
    if extra_file is not None:
        if not extra_file.is_file():
            raise GlossaryFileMissing(
                f"glossary file {extra_file} (HEARINGS_ASR__GLOSSARY_FILE) does not exist"
            )
        terms = unique([*terms, *parse_terms(extra_file.read_text("utf-8"))])
    return terms


def unique(terms: Iterable[str]) -> list[str]:
    """Each term once (case-insensitively), at its first place."""
    seen: set[str] = set()
    kept = []
    for term in terms:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            kept.append(term)
    return kept


@dataclass(frozen=True)
class HotwordPlan:
    """The hotwords text given to the recognizer, what it holds and what was cut."""

    kept: list[str] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)
    tokens: int = 0

    @property
    def text(self) -> str | None:
        return SEPARATOR.join(self.kept) or None


def plan_hotwords(
    groups: Sequence[Sequence[str]],
    count_tokens: Callable[[str], int],
    budget: int = HOTWORD_TOKEN_BUDGET,
) -> HotwordPlan:
    """Terms of `groups` in order (most wanted group first) while the prompt has room.

    `count_tokens(text)` counts tokens as the recognizer will, i.e. of " " + text. A term
    that does not fit is cut and the next, shorter one may still fit.
    """
    kept: list[str] = []
    cut: list[str] = []
    used = 0
    for term in unique(term for group in groups for term in group):
        candidate = SEPARATOR.join([*kept, term])
        tokens = count_tokens(" " + candidate)
        if tokens <= budget:
            kept.append(term)
            used = tokens
        else:
            cut.append(term)
    return HotwordPlan(kept=kept, cut=cut, tokens=used)


def term_groups(extra_file: Path | None, roster: Roster | None) -> list[list[str]]:
    """Names and terms for the recognizer, most wanted first: the committee (when the
    hearing's roster is known), the glossary, then the other people who could speak."""
    glossary = glossary_terms(extra_file)
    if roster is None:
        return [glossary]
    return [roster.committee_names(), glossary, roster.other_names()]


def known_terms(extra_file: Path | None, roster: Roster | None) -> list[str]:
    """Every term of `term_groups` once: what captions cleaning restores the case of."""
    return unique(term for group in term_groups(extra_file, roster) for term in group)
