"""The chapter step: `lines.json` (+ `speakers.json`) → `chapters.json`.

The chapterer is the LLM when one is configured and the offline segmenter otherwise
(or as asked). A failed run raises and leaves any earlier `chapters.json` untouched:
the artifact is only ever replaced, atomically, by chapters that passed the tiling check.
"""

from __future__ import annotations

from typing import Literal

from pipeline.artifacts import fingerprint, run_cached
from pipeline.chapters.llm_chapterer import TASKS, ChapterPrompts, chapter_with_llm
from pipeline.chapters.offline import OFFLINE_VERSION, chapter_offline
from pipeline.chapters.options import ChaptererChoice, ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory
from pipeline.chapters.tokens import token_counter
from pipeline.config import LlmSettings
from pipeline.errors import HearingsError
from pipeline.llm import LlmClient, LlmUnavailable
from pipeline.schemas import Chapters, Lines, SpeakerIdentities, TokenUsage
from pipeline.stages import HearingContext, Stage, StageResult

STAGE_VERSION = "1"
ARTIFACT = "chapters"
LLM_CACHE_FOLDER = "llm-cache"
__all__ = ["ChaptererChoice", "ChapteringError", "NoSpeechFound", "run_chapter"]


class ChapteringError(HearingsError, RuntimeError):
    """The chapter stage cannot run as asked."""


class NoSpeechFound(ChapteringError):
    """The hearing's transcript has no lines: nothing to chapter, nothing to review."""


def resolve_chapterer(choice: ChaptererChoice, settings: LlmSettings) -> Literal["llm", "offline"]:
    if choice == "offline" or (choice == "auto" and not settings.configured):
        return "offline"
    if not settings.configured:
        raise ChapteringError(
            "no LLM is configured: set HEARINGS_LLM__BASE_URL and/or HEARINGS_LLM__API_KEY, "
            "or use the offline chapterer"
        )
    return "llm"


def read_speakers(context: HearingContext) -> tuple[SpeakerDirectory, str | None]:
    """Speaker names and the fingerprint of `speakers.json`; labels stand in when it is absent."""
    if not context.store.path(context.slug, "speakers").exists():
        return SpeakerDirectory.from_identities(None), None
    identities = context.store.read(context.slug, "speakers", SpeakerIdentities)
    header = context.store.header(context.slug, "speakers")
    return SpeakerDirectory.from_identities(identities), header.fingerprint if header else None


def stage_fingerprint(
    context: HearingContext,
    chapterer: str,
    speakers_fingerprint: str | None,
    prompts: ChapterPrompts | None,
    options: ChapteringOptions,
) -> str:
    llm = context.settings.llm
    generator: dict[str, object] = {"offline": OFFLINE_VERSION}
    if prompts is not None:
        generator = {
            "prompts": prompts.versions(),
            "models": {task: llm.model_for(task) for task in TASKS},
            "endpoint": llm.base_url,
        }
    return fingerprint(
        STAGE_VERSION,
        context.upstream_fingerprint("lines"),
        speakers_fingerprint,
        chapterer,
        generator,
        options,
    )


def run_chapter(
    context: HearingContext,
    *,
    chapterer: ChaptererChoice = "auto",
    force: bool = False,
    options: ChapteringOptions | None = None,
) -> StageResult:
    """Chapter one hearing, skipping the work when `chapters.json` is already fresh."""
    options = options or ChapteringOptions()
    resolved = resolve_chapterer(chapterer, context.settings.llm)
    lines = context.store.read(context.slug, "lines", Lines).lines
    if not lines:
        raise NoSpeechFound(
            "no speech found: the transcript has no lines (silent media, or empty captions)"
        )
    speakers, speakers_fingerprint = read_speakers(context)
    prompts = ChapterPrompts.load() if resolved == "llm" else None
    input_fingerprint = stage_fingerprint(context, resolved, speakers_fingerprint, prompts, options)
    spent: list[TokenUsage] = []

    def compute() -> Chapters:
        if prompts is None:
            return chapter_offline(lines, speakers, options)
        client = LlmClient(context.settings.llm, context.settings.data_dir / LLM_CACHE_FOLDER)
        chapters, usage = chapter_with_llm(
            lines, speakers, client, prompts, token_counter(), options
        )
        spent.append(usage)
        return chapters

    try:
        chapters, skipped = run_cached(
            context.store,
            context.slug,
            ARTIFACT,
            Chapters,
            stage_version=STAGE_VERSION,
            input_fingerprint=input_fingerprint,
            compute=compute,
            force=force,
        )
    except LlmUnavailable as error:
        if chapterer != "auto":
            raise
        return _without_the_llm(context, len(lines), error, options)
    return StageResult(
        stage=Stage.CHAPTER,
        skipped=skipped,
        fingerprint=input_fingerprint,
        summary=f"{len(chapters.chapters)} chapters ({resolved})",
        usage=sum(spent, TokenUsage()),
    )


def _without_the_llm(
    context: HearingContext, line_count: int, error: LlmUnavailable, options: ChapteringOptions
) -> StageResult:
    """`auto` with an LLM that cannot be reached: the earlier chapters of these lines stay;
    without any, the offline chapterer writes them (under its own fingerprint, so the next
    run asks the LLM again)."""
    header = context.store.header(context.slug, ARTIFACT)
    if header is not None:
        earlier = context.store.read(context.slug, ARTIFACT, Chapters)
        if earlier.line_count == line_count:
            return StageResult(
                Stage.CHAPTER,
                skipped=True,
                fingerprint=header.fingerprint,
                summary=f"LLM unreachable ({error}): kept the earlier "
                f"{len(earlier.chapters)} chapters",
            )
    offline = run_chapter(context, chapterer="offline", force=True, options=options)
    return StageResult(
        Stage.CHAPTER,
        skipped=False,
        fingerprint=offline.fingerprint,
        summary=f"{offline.summary}: fallback, the LLM is unreachable ({error})",
    )
