"""“Regenerate this chapter”: one call of the pipeline's chapter-writing code, with the
chapter prompt and the speaker names as they are now (an editor's fixes included).

The proposal is only shown; nothing is stored until the editor accepts it. The reply
cache is not used: asking again is how an editor gets a different proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import Chapter, Speaker
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.prompts import load_prompt
from pipeline.chapters.render import SpeakerDirectory, prompt_samples
from pipeline.chapters.tiling import Span
from pipeline.chapters.tokens import counter_for
from pipeline.chapters.writing import chapter_view, write_batch
from pipeline.config import LlmSettings
from pipeline.llm import LlmClient
from pipeline.llm.endpoint import is_openai
from pipeline.schemas import (
    ChapterKind,
    Line,
    SpeakerIdentities,
    TokenUsage,
)
from pipeline.store.review_chapters import ChapterText
from pipeline.store.review_history import ReviewError
from pipeline.store.review_queries import LineRow
from pipeline.store.speaker_rows import identity_of

CHAPTER_PROMPT = "chapter"


@dataclass(frozen=True)
class ChapterProposal:
    text: ChapterText
    model: str
    prompt_version: str
    usage: TokenUsage


def speaker_directory(speakers: Sequence[Speaker]) -> SpeakerDirectory:
    return SpeakerDirectory.from_identities(
        SpeakerIdentities(speakers=[identity_of(speaker) for speaker in speakers])
    )


def propose(
    settings: LlmSettings,
    chapter: Chapter,
    lines: Sequence[LineRow],
    speakers: Sequence[Speaker],
    options: ChapteringOptions | None = None,
) -> ChapterProposal:
    """A new title, summary and bullets for `chapter` from one LLM call."""
    if not settings.configured:
        raise ReviewError(
            "no LLM is configured (HEARINGS_LLM__BASE_URL / HEARINGS_LLM__API_KEY): "
            "a chapter can only be regenerated with one"
        )
    options = (options or ChapteringOptions()).fit_to_context(settings)
    kind = ChapterKind(chapter.kind)
    span = Span(chapter.start_line, chapter.stop_line, kind)
    schema_lines = [
        Line(index=row.index, speaker_label=row.speaker_label, start=row.start, end=row.end,
             text=row.text)
        for row in lines
    ]  # fmt: skip
    directory = speaker_directory(speakers)
    client = LlmClient(settings, None)
    # The chapter stage's counter, so a long chapter is abridged the same way for this server.
    counter = counter_for(client, is_openai(settings.base_url), prompt_samples(schema_lines))
    view = chapter_view(span, schema_lines, directory, counter, options.max_chapter_tokens)
    prompt = load_prompt(CHAPTER_PROMPT)
    texts, usage = write_batch(
        [view], directory, client, prompt, reply_tokens=options.chapter_reply_tokens
    )
    written = texts[0]
    text = ChapterText(
        kind=kind.value,
        title=written.title.strip(),
        summary=written.summary_with_names().strip(),
        bullets=[bullet.strip() for bullet in written.bullets],
    )
    return ChapterProposal(text, settings.model_for(CHAPTER_PROMPT), prompt.version, usage)
