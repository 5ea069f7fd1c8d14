"""Step d: one paragraph about the whole hearing, from the chapter summaries alone.

A hearing with hundreds of short chapters would make that outline as long as the
transcript; past a token budget the outline keeps the chapter titles only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from pipeline.chapters.prompts import Prompt
from pipeline.chapters.tokens import TokenCounter
from pipeline.llm import LlmClient
from pipeline.schemas import Chapter, Line, TokenUsage

OUTLINE_BUDGET_TOKENS = 4000


class HearingSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(description="3 to 5 sentences about the whole hearing")


def summarize_hearing(
    chapters: Sequence[Chapter],
    lines: Sequence[Line],
    client: LlmClient,
    prompt: Prompt,
    counter: TokenCounter,
    *,
    budget_tokens: int = OUTLINE_BUDGET_TOKENS,
) -> tuple[str, TokenUsage]:
    with_summaries = counter.count(" ".join(c.summary for c in chapters)) <= budget_tokens
    outline = [
        {
            "minute": round(lines[chapter.start_line].start / 60),
            "kind": chapter.kind.label,
            "title": chapter.title,
            "summary": chapter.summary if with_summaries else "",
        }
        for chapter in chapters
    ]
    reply = client.ask(
        "summary", prompt, {"chapters": outline}, HearingSummary, max_output_tokens=600
    )
    return reply.value.summary, reply.usage
