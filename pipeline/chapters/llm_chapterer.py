"""The LLM chapterer: boundaries by window, code-enforced tiling, writing, hearing summary."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from pipeline.chapters.boundaries import propose_starts
from pipeline.chapters.offline import offline_chapter
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.people import chapter_people
from pipeline.chapters.prompts import Prompt, load_prompt
from pipeline.chapters.render import SpeakerDirectory
from pipeline.chapters.segmentation import TermWeights, best_split
from pipeline.chapters.summary import summarize_hearing
from pipeline.chapters.tiling import Span, enforce_invariants
from pipeline.chapters.tokens import TokenCounter
from pipeline.chapters.writing import ChapterText, write_chapters
from pipeline.schemas import Chapter, Chapters, Line, Provenance, TokenUsage

if TYPE_CHECKING:
    from pipeline.llm import LlmClient

log = logging.getLogger(__name__)
TASKS = ("boundaries", "chapter", "summary")


@dataclass(frozen=True)
class ChapterPrompts:
    boundaries: Prompt
    chapter: Prompt
    summary: Prompt

    @classmethod
    def load(cls) -> ChapterPrompts:
        return cls(*(load_prompt(task) for task in TASKS))

    def versions(self) -> dict[str, str]:
        return {
            task: f"{getattr(self, task).version}:{getattr(self, task).sha256[:12]}"
            for task in TASKS
        }


def llm_spans(
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    client: LlmClient,
    prompts: ChapterPrompts,
    counter: TokenCounter,
    options: ChapteringOptions,
) -> tuple[list[Span], TokenUsage]:
    """Steps a and b: the model proposes chapter starts, our invariants decide the spans."""
    proposals, usage = propose_starts(
        lines,
        speakers,
        client,
        prompts.boundaries,
        counter,
        window_tokens=options.window_tokens,
        overlap_tokens=options.overlap_tokens,
        reply_tokens=options.boundary_reply_tokens,
    )
    spans = enforce_invariants(
        proposals,
        lines,
        max_seconds=options.max_chapter_seconds,
        min_seconds=options.min_chapter_seconds,
        choose_split=best_split,
    )
    return spans, usage


def written_chapter(
    span: Span,
    text: ChapterText,
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    provenance: Provenance,
) -> Chapter:
    return Chapter(
        start_line=span.start_line,
        stop_line=span.stop_line,
        kind=span.kind,
        title=text.title.strip(),
        summary=text.summary_with_names().strip(),
        bullets=[bullet.strip() for bullet in text.bullets],
        people=chapter_people(
            span.kind, lines[span.start_line : span.stop_line], speakers, **text.people_named()
        ),
        provenance=provenance,
    )


def offline_stand_in(
    span: Span, lines: Sequence[Line], speakers: SpeakerDirectory, weights: TermWeights
) -> Chapter:
    """A chapter the model could not write, in its own words, marked as the offline writer's
    (its generator says so in review); the LLM's boundaries and kind stay."""
    log.warning("chapter at line %d is written from its own words instead", span.start_line)
    return offline_chapter(span, lines, speakers, weights)


def chapter_with_llm(
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    client: LlmClient,
    prompts: ChapterPrompts,
    counter: TokenCounter,
    options: ChapteringOptions,
) -> tuple[Chapters, TokenUsage]:
    """Chapters of a hearing and the tokens they cost; every LLM proposal is checked first."""
    if not lines:
        return Chapters(line_count=0), TokenUsage()
    spans, usage = llm_spans(lines, speakers, client, prompts, counter, options)
    texts, writing_usage = write_chapters(
        spans,
        lines,
        speakers,
        client,
        prompts.chapter,
        counter,
        options,
    )
    provenance = Provenance(
        generator=client.settings.model_for("chapter"),
        prompt_version=f"{prompts.boundaries.version}+{prompts.chapter.version}",
    )
    weights = cache(lambda: TermWeights.of(lines))  # only for a chapter the model could not write
    chapters = [
        written_chapter(span, text, lines, speakers, provenance)
        if text is not None
        else offline_stand_in(span, lines, speakers, weights())
        for span, text in zip(spans, texts, strict=True)
    ]
    summary, summary_usage = summarize_hearing(
        chapters, lines, client, prompts.summary, counter, max_tokens=options.max_outline_tokens
    )
    result = Chapters(line_count=len(lines), chapters=chapters, summary=summary)
    return result, usage + writing_usage + summary_usage
