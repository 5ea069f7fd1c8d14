"""Step d: one paragraph about the whole hearing, from its chapters' summaries.

The model reads each chapter's kind, title and summary, in hearing order. That list grows
with the hearing, so it has a budget: the larger of a floor and a share of the transcript's
tokens. The floor holds some 120 chapters at a title and 1–3 sentences each, which covers
a committee hearing of six hours (60–120 chapters); a dense public hearing, with a chapter
every two minutes, outgrows it after about four hours. Past the budget, the list thins out
gradually rather than all at once: the least telling entries go first, procedural chapters
before others and short chapters before long ones, and a chapter loses its summary well
before it loses its title, which costs a fifth as much and still says who testified on
what. On the 15-hour CPC hearing (467 chapters, replies of typical length), 65 keep their
summaries, 215 more their titles, and the shortest 187 are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from pipeline.chapters.prompts import Prompt
from pipeline.chapters.render import transcript_text
from pipeline.chapters.tiling import span_seconds
from pipeline.chapters.tokens import TokenCounter
from pipeline.schemas import Chapter, ChapterKind, Line, TokenUsage

if TYPE_CHECKING:
    from pipeline.llm import LlmClient

# The list may cost the larger of these: the floor holds ~100 chapters with summaries.
OUTLINE_MIN_TOKENS = 8000
OUTLINE_SHARE = 0.045
# A chapter keeps its title until chapters this many times as long lose their summaries.
TITLE_WEIGHT = 3.0


class HearingSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(description="3 to 5 sentences about the whole hearing")


@dataclass(frozen=True)
class Cut:
    """Leaving out one chapter's summary, or (after it) the chapter's whole entry."""

    value: float
    position: int
    whole_entry: bool


def entry_text(chapter: Chapter, with_summary: bool) -> dict[str, str]:
    summary = chapter.summary if with_summary else ""
    return {"kind": chapter.kind.label, "title": chapter.title, "summary": summary}


def entry_cost(entry: dict[str, str], counter: TokenCounter) -> int:
    return counter.count(" ".join(entry.values())) + 2


def cuts_in_order(chapters: Sequence[Chapter], lines: Sequence[Line]) -> list[Cut]:
    """Every possible cut, least telling first; a procedural chapter tells nothing."""
    cuts = []
    for position, chapter in enumerate(chapters):
        procedural = chapter.kind is ChapterKind.PROCEDURE
        seconds = 0.0 if procedural else span_seconds(lines, chapter.start_line, chapter.stop_line)
        cuts.append(Cut(seconds, position, whole_entry=False))
        cuts.append(Cut(TITLE_WEIGHT * seconds, position, whole_entry=True))
    return sorted(cuts, key=lambda cut: (cut.value, cut.whole_entry, cut.position))


def outline(
    chapters: Sequence[Chapter], lines: Sequence[Line], counter: TokenCounter, budget: int
) -> list[dict[str, str]]:
    """The chapter list the hearing summary is written from, within `budget` tokens."""
    full = [entry_cost(entry_text(chapter, True), counter) for chapter in chapters]
    titled = [entry_cost(entry_text(chapter, False), counter) for chapter in chapters]
    with_summary, listed = set(range(len(chapters))), set(range(len(chapters)))
    used = sum(full)
    for cut in cuts_in_order(chapters, lines):
        if used <= budget:
            break
        if cut.whole_entry:
            listed.discard(cut.position)
            used -= titled[cut.position]
        else:
            with_summary.discard(cut.position)
            used -= full[cut.position] - titled[cut.position]
    return [
        entry_text(chapter, position in with_summary)
        for position, chapter in enumerate(chapters)
        if position in listed
    ]


def summarize_hearing(
    chapters: Sequence[Chapter],
    lines: Sequence[Line],
    client: LlmClient,
    prompt: Prompt,
    counter: TokenCounter,
    *,
    max_tokens: int | None = None,
) -> tuple[str, TokenUsage]:
    """One paragraph for the hearing; the outline stays within `max_tokens` (the context)."""
    transcript_tokens = counter.count(transcript_text(lines))
    budget = max(OUTLINE_MIN_TOKENS, round(OUTLINE_SHARE * transcript_tokens))
    budget = min(budget, max_tokens) if max_tokens else budget
    variables = {"chapters": outline(chapters, lines, counter, budget)}
    reply = client.ask("summary", prompt, variables, HearingSummary, max_output_tokens=600)
    return reply.value.summary, reply.usage
