"""The chapter step: `lines.json` (+ `speakers.json`) → `chapters.json`.

The chapterer is the LLM when one is configured and the offline segmenter otherwise
(or as asked). A failed run raises and leaves any earlier `chapters.json` untouched:
the artifact is only ever replaced, atomically, by chapters that passed the tiling check.
For the LLM, the token sizes are fitted to the models' context windows, and the tokens
of every answered call are reported, on the error too when the run fails.
"""

from __future__ import annotations

from typing import Literal

from pipeline.chapters.llm_chapterer import TASKS, ChapterPrompts, chapter_with_llm
from pipeline.chapters.offline import OFFLINE_VERSION, chapter_offline
from pipeline.chapters.options import ChaptererChoice, ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory, prompt_samples
from pipeline.chapters.tokens import counter_for
from pipeline.config import LlmSettings
from pipeline.errors import HearingsError
from pipeline.llm import LlmError, LlmUnavailable
from pipeline.llm.endpoint import is_openai
from pipeline.schemas import Chapters, Lines, SpeakerIdentities
from pipeline.stages import FellBack, Stage, StageCall, StageDeclaration, run_stage

STAGE_VERSION = "1"
ARTIFACT = "chapters"
LLM_CACHE_FOLDER = "llm-cache"
__all__ = ["CHAPTER_STAGE", "ChaptererChoice", "ChapteringError", "NoSpeechFound"]


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


def _generator(call: StageCall, chapterer: str) -> dict[str, object]:
    """What writes the chapters: the offline segmenter's version, or the prompt files
    (name, version and content hash), the models per task and the endpoint."""
    if chapterer == "offline":
        return {"offline": OFFLINE_VERSION}
    llm = call.settings.llm
    return {
        "prompts": ChapterPrompts.load().versions(),
        "models": {task: llm.model_for(task) for task in TASKS},
        "endpoint": llm.base_url,
    }


def _options(call: StageCall) -> ChapteringOptions:
    """The options asked for; for the LLM, with every size fitted to the model's context."""
    options = call.params.get("options") or ChapteringOptions()
    if resolve_chapterer(call.params.get("chapterer", "auto"), call.settings.llm) == "llm":
        return options.fit_to_context(call.settings.llm)
    return options


def _chapter_options(call: StageCall) -> object:
    chapterer = resolve_chapterer(call.params.get("chapterer", "auto"), call.settings.llm)
    return {
        "chapterer": chapterer,
        "generator": _generator(call, chapterer),
        "options": _options(call).model_dump(mode="json"),
    }


def _chapter_stage(call: StageCall) -> Chapters:
    lines = call.read("lines", Lines).lines
    if not lines:
        raise NoSpeechFound(
            "no speech found: the transcript has no lines (silent media, or empty captions)"
        )
    speakers = SpeakerDirectory.from_identities(call.read_optional("speakers", SpeakerIdentities))
    options = _options(call)
    chapterer = call.params.get("chapterer", "auto")
    if resolve_chapterer(chapterer, call.settings.llm) == "offline":
        return chapter_offline(lines, speakers, options)
    llm = call.settings.llm
    from pipeline.llm import LlmClient  # openai: only when the LLM writes the chapters

    client = LlmClient(llm, call.settings.data_dir / LLM_CACHE_FOLDER)
    counter = counter_for(client, is_openai(llm.base_url), prompt_samples(lines))
    try:
        chapters, _ = chapter_with_llm(lines, speakers, client, ChapterPrompts.load(), counter,
                                       options)  # fmt: skip
    except LlmError as error:
        error.usage = client.spent  # what the answered calls cost, for the failed StageRun
        if isinstance(error, LlmUnavailable) and chapterer == "auto":
            raise _without_the_llm(call, len(lines), error) from error
        raise
    finally:
        call.spent.append(client.spent)
    return chapters


def _without_the_llm(call: StageCall, line_count: int, error: LlmUnavailable) -> FellBack:
    """`auto` with an LLM that cannot be reached: the earlier chapters of these lines stay;
    without any, the offline chapterer writes them (under its own fingerprint, so the next
    run asks the LLM again)."""
    context = call.context
    header = context.store.header(context.slug, ARTIFACT)
    if header is not None:
        earlier = context.store.read(context.slug, ARTIFACT, Chapters)
        if earlier.line_count == line_count:
            return FellBack(
                f"LLM unreachable ({error}): kept the earlier {len(earlier.chapters)} chapters",
                skipped=True,
                fingerprint=header.fingerprint,
            )
    offline = run_stage(
        CHAPTER_STAGE, context, params={**call.params, "chapterer": "offline"}, force=True
    )
    return FellBack(
        f"{offline.summary}: fallback, the LLM is unreachable ({error})",
        fingerprint=offline.fingerprint,
    )


def _chapters_summary(chapters: Chapters) -> str:
    generators = sorted({chapter.provenance.generator for chapter in chapters.chapters})
    return f"{len(chapters.chapters)} chapters ({', '.join(generators) or 'none'})"


CHAPTER_STAGE = StageDeclaration(
    name=Stage.CHAPTER,
    version=STAGE_VERSION,
    inputs=("lines", "speakers?"),
    output=ARTIFACT,
    contract=Chapters,
    compute=_chapter_stage,
    summary=_chapters_summary,
    options=_chapter_options,
)
