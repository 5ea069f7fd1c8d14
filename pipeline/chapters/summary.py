"""Step d: one paragraph about the whole hearing, from its chapter list alone.

The list fits a budget of a small share of the transcript's tokens: with each chapter's
summary when they fit, else titles only, and for a hearing with hundreds of chapters the
titles of its longest ones (in hearing order), which a 3–5 sentence summary would name
anyway. Without that budget, the list of a long hearing grows as fast as the hearing.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from pipeline.chapters.prompts import Prompt
from pipeline.chapters.render import transcript_text
from pipeline.chapters.tokens import TokenCounter
from pipeline.llm import LlmClient
from pipeline.schemas import Chapter, Line, TokenUsage

# The chapter list may cost at most this share of the transcript's tokens, and never less
# than the floor, which holds a short hearing's list whole.
OUTLINE_SHARE = 0.01
OUTLINE_MIN_TOKENS = 500


class HearingSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(description="3 to 5 sentences about the whole hearing")


def outline_entries(chapters: Sequence[Chapter], with_summaries: bool) -> list[dict[str, str]]:
    return [
        {
            "kind": chapter.kind.label,
            "title": chapter.title,
            "summary": chapter.summary if with_summaries else "",
        }
        for chapter in chapters
    ]


def longest_within(
    chapters: Sequence[Chapter], lines: Sequence[Line], costs: Sequence[int], budget: int
) -> list[int]:
    """Positions of the longest chapters whose costs fit `budget`, in hearing order."""

    def seconds(position: int) -> float:
        chapter = chapters[position]
        return lines[chapter.stop_line - 1].end - lines[chapter.start_line].start

    kept, used = [], 0
    for position in sorted(range(len(chapters)), key=seconds, reverse=True):
        if used + costs[position] > budget:
            break
        kept.append(position)
        used += costs[position]
    return sorted(kept)


def outline(
    chapters: Sequence[Chapter], lines: Sequence[Line], counter: TokenCounter, budget: int
) -> list[dict[str, str]]:
    """The chapter list the hearing summary is written from, within `budget` tokens."""

    def costs(entries: Sequence[dict[str, str]]) -> list[int]:
        return [counter.count(" ".join(entry.values())) + 2 for entry in entries]

    with_summaries = outline_entries(chapters, with_summaries=True)
    if sum(costs(with_summaries)) <= budget:
        return with_summaries
    titles = outline_entries(chapters, with_summaries=False)
    title_costs = costs(titles)
    if sum(title_costs) <= budget:
        return titles
    return [titles[position] for position in longest_within(chapters, lines, title_costs, budget)]


def summarize_hearing(
    chapters: Sequence[Chapter],
    lines: Sequence[Line],
    client: LlmClient,
    prompt: Prompt,
    counter: TokenCounter,
) -> tuple[str, TokenUsage]:
    transcript_tokens = counter.count(transcript_text(lines))
    budget = max(OUTLINE_MIN_TOKENS, round(OUTLINE_SHARE * transcript_tokens))
    variables = {"chapters": outline(chapters, lines, counter, budget)}
    reply = client.ask("summary", prompt, variables, HearingSummary, max_output_tokens=600)
    return reply.value.summary, reply.usage
