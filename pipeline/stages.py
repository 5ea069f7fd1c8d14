"""The shared shape of a stage run, so flows and the CLI can drive every stage alike.

Each stage module exposes a pure function (typed inputs → typed outputs) and a step
`run_<stage>(context, ..., force=False) -> StageResult` that reads the previous artifacts
from the store, skips the work when its own artifact is fresh (same fingerprint) and
otherwise computes and writes it. A step's fingerprint includes its upstream artifacts'
fingerprints, so a changed model, prompt or setting re-runs that stage and the ones after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pipeline.artifacts import ArtifactError, ArtifactStore
from pipeline.config import Settings
from pipeline.schemas import TokenUsage


class Stage(StrEnum):
    """Stages in pipeline order; the value is the name used in StageRun rows and the CLI."""

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


@dataclass(frozen=True)
class HearingContext:
    """Where one hearing's artifacts live and the settings its stages use."""

    store: ArtifactStore
    slug: str
    settings: Settings

    @classmethod
    def for_slug(cls, slug: str, settings: Settings) -> HearingContext:
        return cls(ArtifactStore(settings.hearings_dir), slug, settings)

    def upstream_fingerprint(self, name: str) -> str:
        """The fingerprint of an earlier stage's artifact, which a later stage's includes."""
        header = self.store.header(self.slug, name)
        if header is None:
            raise ArtifactError(f"{name}.json of {self.slug} is missing: run its stage first")
        return header.fingerprint


@dataclass(frozen=True)
class StageResult:
    stage: Stage
    skipped: bool
    fingerprint: str
    summary: str = ""
    usage: TokenUsage = field(default_factory=TokenUsage)
