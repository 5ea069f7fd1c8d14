"""Step c: each chapter's title, summary and bullets, written from that chapter's lines only.

One schema per kind: a Q&A chapter names who asked and who answered, a testimony chapter
the witness and their organization. Those names become the chapter's `people` (mapped back
to speaker labels, see people.py), and are woven into the summary when the model left them
out of it.

A long hearing has hundreds of short chapters, and one call each would repeat the
instructions hundreds of times; so consecutive chapters are written in one call, up to a
token budget and a number of chapters. Each is shown under its own heading and answered
under its own key (`chapter_1`, `chapter_2`, …) whose schema is its kind's. The reply
schema is built for the batch, so it holds exactly the chapters asked for, in order: in
JSON-schema mode the server enforces it, and in every mode pydantic rejects a missing,
extra or wrong-kind entry, which the client re-asks once before failing. A batch whose
reply was cut at its limit, or which overflowed the model's context, is written again as
two halves (so is one whose reply stayed off its schema or was refused); a single chapter
cut at its limit gets twice the room once, and one that overflows the context is shown
abridged to half its tokens, once. A chapter that still gets no usable text is left to the
offline writer (llm_chapterer.py), so one bad reply never fails a whole hearing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.prompts import Prompt
from pipeline.chapters.render import SpeakerDirectory, chapter_text, speaker_list
from pipeline.chapters.tiling import Span
from pipeline.chapters.tokens import TokenCounter
from pipeline.llm import (
    SHRINKABLE_ERRORS,
    LlmContextOverflow,
    LlmError,
    LlmInvalidOutput,
    LlmRefusal,
    LlmTruncated,
)
from pipeline.schemas import ChapterKind, Line, TokenUsage

if TYPE_CHECKING:
    from pipeline.llm import LlmClient

log = logging.getLogger(__name__)
# Title, 1–3 sentences and 3–5 bullets take about 250 tokens; the rest is headroom.
CHAPTER_REPLY_TOKENS = 600

TESTIMONY_KINDS = frozenset({ChapterKind.AGENCY_TESTIMONY, ChapterKind.PUBLIC_TESTIMONY})


class ChapterText(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(description="at most 10 words, specific to this chapter")
    summary: str = Field(description="1 to 3 sentences")
    bullets: list[str] = Field(min_length=1, max_length=5, description="3 to 5 key points")

    def summary_with_names(self) -> str:
        return self.summary

    def people_named(self) -> dict[str, Any]:
        """The names this kind's schema asks for, as `chapter_people` takes them."""
        return {}


class QaChapterText(ChapterText):
    asked_by: list[str] = Field(description="who asked the questions")
    answered_by: list[str] = Field(description="who answered them")

    def people_named(self) -> dict[str, Any]:
        return {"asked_by": self.asked_by, "answered_by": self.answered_by}

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

    def people_named(self) -> dict[str, Any]:
        return {"witness": self.witness}

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


@dataclass(frozen=True)
class ChapterView:
    """One chapter as the model is shown it: its own lines, abridged when too long."""

    span: Span
    shown: Sequence[Line]
    transcript: str
    tokens: int


def chapter_view(
    span: Span,
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    counter: TokenCounter,
    budget: int,
) -> ChapterView:
    head, tail = fit_lines(lines[span.start_line : span.stop_line], counter, budget)
    transcript = chapter_text(head, speakers)
    if tail:
        transcript += "\n[…]\n" + chapter_text(tail, speakers)
    return ChapterView(span, [*head, *tail], transcript, counter.count(transcript))


def batch_views(
    views: Sequence[ChapterView], options: ChapteringOptions
) -> list[list[ChapterView]]:
    """Consecutive chapters grouped up to the batch budget; a chapter over it goes alone."""
    batches: list[list[ChapterView]] = []
    used = 0
    for view in views:
        fits = used + view.tokens <= options.batch_tokens
        if batches and fits and len(batches[-1]) < options.batch_chapters:
            batches[-1].append(view)
            used += view.tokens
        else:
            batches.append([view])
            used = view.tokens
    return batches


def batch_key(position: int) -> str:
    return f"chapter_{position + 1}"


# The model answered, but not with a usable text: a smaller batch may help, and one chapter
# it cannot write is left to the offline writer.
UNUSABLE_REPLIES = (LlmTruncated, LlmInvalidOutput, LlmRefusal)


@lru_cache(maxsize=512)
def batch_schema(kinds: tuple[ChapterKind, ...]) -> type[BaseModel]:
    """A reply with one entry per chapter asked for, each in its kind's schema."""
    fields: dict[str, Any] = {
        batch_key(position): (schema_for(kind), ...) for position, kind in enumerate(kinds)
    }
    return create_model("ChapterTexts", __config__=ConfigDict(extra="forbid"), **fields)


def write_batch(
    batch: Sequence[ChapterView],
    speakers: SpeakerDirectory,
    client: LlmClient,
    prompt: Prompt,
    *,
    reply_tokens: int = CHAPTER_REPLY_TOKENS,
) -> tuple[list[ChapterText], TokenUsage]:
    variables = {
        "speakers": speaker_list([line for view in batch for line in view.shown], speakers),
        "chapters": [
            {
                "key": batch_key(position),
                "kind_label": view.span.kind.label,
                "text": view.transcript,
            }
            for position, view in enumerate(batch)
        ],
    }
    schema = batch_schema(tuple(view.span.kind for view in batch))
    reply = client.ask(
        "chapter", prompt, variables, schema, max_output_tokens=reply_tokens * len(batch)
    )
    texts = [getattr(reply.value, batch_key(position)) for position in range(len(batch))]
    return texts, reply.usage


@dataclass(frozen=True)
class BatchWriter:
    """Writes a batch, in halves when the whole is too much for one call."""

    lines: Sequence[Line]
    speakers: SpeakerDirectory
    client: LlmClient
    prompt: Prompt
    counter: TokenCounter
    reply_tokens: int

    def __call__(self, batch: Sequence[ChapterView]) -> tuple[list[ChapterText | None], TokenUsage]:
        try:
            return self._write(batch, self.reply_tokens)
        except (*SHRINKABLE_ERRORS, *UNUSABLE_REPLIES) as error:
            if len(batch) > 1:
                log.warning("%s; writing %d chapters in two halves", error, len(batch))
                middle = len(batch) // 2
                first, first_usage = self(batch[:middle])
                second, second_usage = self(batch[middle:])
                return first + second, error.usage + first_usage + second_usage
            return self._once_more(batch[0], error)

    def _write(
        self, batch: Sequence[ChapterView], reply_tokens: int
    ) -> tuple[list[ChapterText | None], TokenUsage]:
        texts, usage = write_batch(
            batch, self.speakers, self.client, self.prompt, reply_tokens=reply_tokens
        )
        return list(texts), usage

    def _once_more(
        self, view: ChapterView, error: LlmError
    ) -> tuple[list[ChapterText | None], TokenUsage]:
        """One chapter the model could not write: once more with what may cure it (twice the
        room, or the chapter abridged to half); after that, no text (`None`), so that one
        chapter leaves it to the offline writer rather than failing the whole hearing."""
        if isinstance(error, LlmContextOverflow) and view.tokens < 400:
            raise error  # a context this small is a setting to fix, not a chapter to skip
        if not isinstance(error, SHRINKABLE_ERRORS):  # off its schema or refused, re-asked once
            log.warning("%s", error)
            return [None], error.usage
        try:
            if isinstance(error, LlmTruncated):
                log.warning("%s; writing the chapter once more with twice the room", error)
                texts, usage = self._write([view], 2 * self.reply_tokens)
            else:
                log.warning("%s; showing the chapter abridged to half", error)
                smaller = chapter_view(
                    view.span, self.lines, self.speakers, self.counter, view.tokens // 2
                )
                texts, usage = self._write([smaller], self.reply_tokens)
            return texts, error.usage + usage
        except (*SHRINKABLE_ERRORS, *UNUSABLE_REPLIES) as again:
            log.warning("%s", again)
            return [None], error.usage + again.usage


def write_chapters(
    spans: Sequence[Span],
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    client: LlmClient,
    prompt: Prompt,
    counter: TokenCounter,
    options: ChapteringOptions,
) -> tuple[list[ChapterText | None], TokenUsage]:
    """Texts for all spans, in order (`None` where the model could not write one); batches
    are written in parallel (the client bounds it)."""
    views = [
        chapter_view(span, lines, speakers, counter, options.max_chapter_tokens) for span in spans
    ]
    writer = BatchWriter(lines, speakers, client, prompt, counter, options.chapter_reply_tokens)
    with ThreadPoolExecutor(max_workers=client.concurrency) as pool:
        written = list(pool.map(writer, batch_views(views, options)))
    texts = [text for batch_texts, _ in written for text in batch_texts]
    return texts, sum((usage for _, usage in written), TokenUsage())
