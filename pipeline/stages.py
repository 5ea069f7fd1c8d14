"""The stage registry: every stage declared once, next to its code, and one runner for all.

A stage module declares a `StageDeclaration`: its name, version, the artifacts it reads,
the artifact it writes, the function that computes it, the options that enter its
fingerprint (each setting and constant that changes its output), whether it needs the GPU
and which errors mean "unavailable, fall back" rather than "failed". `run_stage`
fingerprints the inputs, skips fresh work, writes the artifact atomically and returns one
`Outcome`. Flows and the CLI drive every stage alike through it; Prefect, the database and
the faces sit around it, never inside.

Stage modules are imported on first use (`declared`), so naming a stage in the CLI does not
load torch or faster-whisper.
"""

from __future__ import annotations

import gc
import importlib
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from pipeline.artifacts import ArtifactError, ArtifactStore, fingerprint, validate_slug
from pipeline.config import Settings
from pipeline.progress import NO_PROGRESS, StageProgress
from pipeline.schemas import TokenUsage

OutputT = TypeVar("OutputT")
ContractT = TypeVar("ContractT", bound=BaseModel)


class Stage(StrEnum):
    """Stages in pipeline order; the value is the name used in StageRun rows and the CLI."""

    ROSTER = "roster"
    ACQUIRE = "acquire"
    AUDIO = "audio"
    TRANSCRIBE = "transcribe"
    DIARIZE = "diarize"
    ATTRIBUTE = "attribute"
    IDENTIFY = "identify"
    CHAPTER = "chapter"
    STORE = "store"

    @classmethod
    def ordered(cls) -> list[Stage]:
        return list(cls)

    def and_after(self) -> list[Stage]:
        stages = Stage.ordered()
        return stages[stages.index(self) :]

    def up_to(self) -> list[Stage]:
        stages = Stage.ordered()
        return stages[: stages.index(self) + 1]


@dataclass(frozen=True)
class HearingContext:
    """Where one hearing's artifacts live and the settings its stages use."""

    store: ArtifactStore
    slug: str
    settings: Settings

    def __post_init__(self) -> None:
        validate_slug(self.slug)  # a bad slug is one clear line before any stage looks

    @classmethod
    def for_slug(cls, slug: str, settings: Settings) -> HearingContext:
        return cls(ArtifactStore(settings.hearings_dir), slug, settings)

    @property
    def folder(self) -> Path:
        return self.store.hearing_dir(self.slug)


@dataclass
class StageCall:
    """What a stage's function and options see: the hearing, the caller's parameters
    (a source URL, the roster members, the chapterer asked for), progress and spending."""

    context: HearingContext
    params: Mapping[str, Any] = field(default_factory=dict)
    progress: StageProgress = NO_PROGRESS
    spent: list[TokenUsage] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.context.settings

    @property
    def folder(self) -> Path:
        return self.context.folder

    def read(self, name: str, contract: type[ContractT]) -> ContractT:
        return self.context.store.read(self.context.slug, name, contract)

    def read_optional(self, name: str, contract: type[ContractT]) -> ContractT | None:
        """The artifact, or None when its stage has not written it (no roster, no speakers)."""
        if not self.context.store.path(self.context.slug, name).is_file():
            return None
        return self.read(name, contract)


def _no_options(_call: StageCall) -> object:
    return None


def _always_valid(_call: StageCall, _output: Any) -> bool:
    return True


@dataclass(frozen=True)
class StageDeclaration(Generic[OutputT]):
    """One stage. `inputs` are artifacts whose fingerprints enter this stage's (a name ending
    in '?' is optional); `options` returns everything else that changes the output."""

    name: Stage
    version: str
    inputs: tuple[str, ...]
    output: str | None
    contract: type[OutputT]
    compute: Callable[[StageCall], OutputT]
    summary: Callable[[OutputT], str]
    options: Callable[[StageCall], object] = _no_options
    gpu: bool = False
    unavailable: tuple[type[Exception], ...] = ()
    # The stored artifact is only fresh when what it describes is still there (media.mp4...).
    still_valid: Callable[[StageCall, OutputT], bool] = _always_valid
    # A stage that writes no artifact (store) says itself whether its work is done.
    done_already: Callable[[StageCall, str], bool] | None = None
    # Drops the stage's cached models, so the next GPU stage has the memory.
    release: Callable[[], None] | None = None
    # Several declarations may share a name (lines from words or from captions).
    variant: str = ""

    @property
    def key(self) -> str:
        return self.variant or self.name.value


@dataclass(frozen=True)
class Outcome:
    """What one stage did: ran, was skipped (fresh), or could not run (`unavailable`)."""

    stage: Stage
    skipped: bool
    fingerprint: str = ""
    seconds: float = 0.0
    summary: str = ""
    unavailable: str | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)


class FellBack(Exception):
    """Raised by a stage's `compute` when a fallback wrote (or kept) the stage's artifact
    itself, under the fallback's own fingerprint (rules without the LLM, the offline
    chapterer), so that the next run tries the stage as asked again. Not an error: the
    outcome carries `summary`."""

    def __init__(self, summary: str, *, skipped: bool = False, fingerprint: str = "") -> None:
        super().__init__(summary)
        self.summary = summary
        self.skipped = skipped
        self.fingerprint = fingerprint


def upstream_fingerprints(context: HearingContext, inputs: tuple[str, ...]) -> list[str | None]:
    """The fingerprints of the artifacts a stage reads (None for an absent optional one)."""
    found: list[str | None] = []
    for wanted in inputs:
        name = wanted.rstrip("?")
        header = context.store.header(context.slug, name)
        if header is None and name == wanted:
            raise ArtifactError(
                f"{name}.json of {context.slug} is missing or unreadable: "
                f"run the stage that writes {name!r} first"
            )
        found.append(header.fingerprint if header else None)
    return found


def stage_fingerprint(declaration: StageDeclaration[Any], call: StageCall) -> str:
    return fingerprint(
        declaration.key,
        declaration.version,
        upstream_fingerprints(call.context, declaration.inputs),
        declaration.options(call),
    )


def _stored(declaration: StageDeclaration[Any], call: StageCall, key: str) -> Any | None:
    """The stored output when it is fresh and still whole, else None."""
    context = call.context
    if declaration.output is None:
        done = declaration.done_already
        return True if done is not None and done(call, key) else None
    if not context.store.is_fresh(context.slug, declaration.output, key):
        return None
    try:
        stored = context.store.read(context.slug, declaration.output, declaration.contract)
    except ArtifactError:  # no longer matches its contract: recompute
        return None
    return stored if declaration.still_valid(call, stored) else None


def run_stage(
    declaration: StageDeclaration[Any],
    context: HearingContext,
    *,
    params: Mapping[str, Any] | None = None,
    force: bool = False,
    progress: StageProgress = NO_PROGRESS,
) -> Outcome:
    """Run one stage for one hearing: skip it when fresh, else compute and write its artifact."""
    call = StageCall(context, params or {}, progress)
    started = time.monotonic()
    try:
        key = stage_fingerprint(declaration, call)
        stored = None if force else _stored(declaration, call, key)
        if stored is not None:
            summary = declaration.summary(stored) if declaration.output else "already stored"
            return Outcome(declaration.name, True, key, time.monotonic() - started, summary)
        output = declaration.compute(call)
        if declaration.output is not None:
            context.store.write(
                context.slug, declaration.output, output,
                stage_version=declaration.version, input_fingerprint=key,
            )  # fmt: skip
    except FellBack as fell:
        return Outcome(declaration.name, fell.skipped, fell.fingerprint,
                       time.monotonic() - started, fell.summary,
                       usage=sum(call.spent, TokenUsage()))  # fmt: skip
    except declaration.unavailable as error:
        return Outcome(declaration.name, True, seconds=time.monotonic() - started,
                       unavailable=str(error))  # fmt: skip
    finally:
        if declaration.gpu:
            release_gpu(declaration)
    usage = sum(call.spent, TokenUsage())
    seconds = time.monotonic() - started
    return Outcome(declaration.name, False, key, seconds, declaration.summary(output), usage=usage)


def release_gpu(declaration: StageDeclaration[Any]) -> None:
    """Drop the stage's models and give their memory back (CUDA's cache too, when loaded)."""
    if declaration.release is not None:
        declaration.release()
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


# Where each declaration lives: imported on first use.
DECLARATIONS = {
    "roster": "pipeline.roster:ROSTER_STAGE",
    "acquire": "pipeline.acquire_stage:ACQUIRE_STAGE",
    "audio": "pipeline.audio:AUDIO_STAGE",
    "transcribe": "pipeline.asr:TRANSCRIBE_STAGE",
    "diarize": "pipeline.diarization:DIARIZE_STAGE",
    "attribute": "pipeline.attribute_stage:ATTRIBUTE_STAGE",
    "captions": "pipeline.captions:CAPTIONS_STAGE",
    "identify": "pipeline.speakers.step:IDENTIFY_STAGE",
    "chapter": "pipeline.chapters.step:CHAPTER_STAGE",
}


def declared(key: str) -> StageDeclaration[Any]:
    """The declaration of stage `key` (a stage name, or 'captions' for lines from captions)."""
    module, _, attribute = DECLARATIONS[key].partition(":")
    declaration: StageDeclaration[Any] = getattr(importlib.import_module(module), attribute)
    return declaration
