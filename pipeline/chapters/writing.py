"""Step c: each chapter's title, summary and bullets, written from that chapter's lines only.

One schema per kind: a Q&A chapter names who asked and who answered, a testimony chapter
the witness and their organization. The chapter contract has no fields for those names,
so they are woven into the summary when the model left them out of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from pydantic import BaseModel, ConfigDict, Field

from pipeline.chapters.prompts import Prompt
from pipeline.chapters.render import SpeakerDirectory, chapter_text
from pipeline.chapters.tiling import Span
from pipeline.chapters.tokens import TokenCounter
from pipeline.llm import LlmClient, LlmReply
from pipeline.schemas import ChapterKind, Line, TokenUsage

TESTIMONY_KINDS = frozenset({ChapterKind.AGENCY_TESTIMONY, ChapterKind.PUBLIC_TESTIMONY})


class ChapterText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="at most 10 words, specific to this chapter")
    summary: str = Field(description="1 to 3 sentences")
    bullets: list[str] = Field(min_length=1, max_length=5, description="3 to 5 key points")

    def summary_with_names(self) -> str:
        return self.summary


class QaChapterText(ChapterText):
    asked_by: list[str] = Field(description="who asked the questions")
    answered_by: list[str] = Field(description="who answered them")

    def summary_with_names(self) -> str:
        names = [*self.asked_by, *self.answered_by]
        if not names or any(name in self.summary for name in names):
            return self.summary
        asked = " and ".join(self.asked_by) or "Members"
        answered = " and ".join(self.answered_by) or "the witness"
        return f"{asked} question {answered}. {self.summary}"


class TestimonyChapterText(ChapterText):
    witness: str = Field(description="the person testifying")
    organization: str | None = Field(description="whom the witness represents, if said")

    def summary_with_names(self) -> str:
        if self.witness in self.summary:
            return self.summary
        who = f"{self.witness} ({self.organization})" if self.organization else self.witness
        return f"{who} testifies. {self.summary}"


def schema_for(kind: ChapterKind) -> type[ChapterText]:
    if kind is ChapterKind.QA:
        return QaChapterText
    if kind in TESTIMONY_KINDS:
        return TestimonyChapterText
    return ChapterText


def fit_lines(
    lines: Sequence[Line], counter: TokenCounter, budget: int
) -> tuple[list[Line], list[Line]]:
    """All lines when they fit `budget` tokens, else as many opening and closing lines as do."""
    costs = [counter.count(line.text) + 2 for line in lines]
    if sum(costs) <= budget:
        return list(lines), []
    head, tail, used = 0, len(lines), 0
    while head < tail:
        take_head = head <= len(lines) - tail
        cost = costs[head] if take_head else costs[tail - 1]
        if used + cost > budget:
            break
        used += cost
        head, tail = (head + 1, tail) if take_head else (head, tail - 1)
    return list(lines[:head]), list(lines[tail:])


def write_chapters(
    spans: Sequence[Span],
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    client: LlmClient,
    prompt: Prompt,
    counter: TokenCounter,
    *,
    max_chapter_tokens: int,
) -> tuple[list[ChapterText], TokenUsage]:
    """Texts for all spans, written in parallel (the client bounds concurrency)."""

    def write(span: Span) -> LlmReply[ChapterText]:
        head, tail = fit_lines(lines[span.start_line : span.stop_line], counter, max_chapter_tokens)
        transcript = chapter_text(head, speakers)
        if tail:
            transcript += "\n[…]\n" + chapter_text(tail, speakers)
        variables = {
            "kind": span.kind.value,
            "kind_label": span.kind.label,
            "minutes": round(span.seconds(lines) / 60, 1),
            "transcript": transcript,
            "abridged": bool(tail),
        }
        return client.ask(
            "chapter", prompt, variables, schema_for(span.kind), max_output_tokens=800
        )

    with ThreadPoolExecutor(max_workers=client.settings.max_concurrency) as pool:
        replies = list(pool.map(write, spans))
    usage = sum((reply.usage for reply in replies), TokenUsage())
    return [reply.value for reply in replies], usage
