"""Data contracts of every artifact a stage writes (see DESIGN.md, "Data contracts").

All times are seconds from the start of the media. Lines are the unit everything
else points at: chapters are slices of line indices, speaker evidence is line indices.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceInfo(Contract):
    """`source.json`: where the media came from and what was fetched."""

    url: str = Field(description="URL or local path as given")
    final_url: str | None = Field(None, description="after redirects or page resolution")
    media_file: str = Field(description="file name inside the hearing folder")
    size_bytes: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    content_type: str | None = None
    duration_seconds: float | None = Field(None, ge=0)
    captions_url: str | None = None


class Word(Contract):
    text: str
    start: float = Field(ge=0, description="seconds")
    end: float = Field(ge=0, description="seconds")
    probability: float = Field(1.0, ge=0, le=1)


class Segment(Contract):
    """One ASR segment, as the recognizer returned it."""

    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str
    words: list[Word] = Field(default_factory=list)


class Transcript(Contract):
    """`transcript.json`."""

    language: str | None = None
    duration_seconds: float = Field(ge=0, description="audio duration")
    model: str = Field(description="model name or path that produced it")
    segments: list[Segment] = Field(default_factory=list)


class SpeakerTurn(Contract):
    speaker_label: str = Field(description="diarization label, e.g. SPEAKER_00")
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Diarization(Contract):
    """`diarization.json`: exclusive turns (one speaker at a time)."""

    turns: list[SpeakerTurn] = Field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return sorted({turn.speaker_label for turn in self.turns})


class Line(Contract):
    """One sentence by one speaker.

    Example: `{"index": 412, "speaker_label": "SPEAKER_03", "start": 8948.2, "end": 8953.9,
    "text": "I have just one more question.", "words": [...]}`
    """

    index: int = Field(ge=0)
    speaker_label: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str
    words: list[Word] = Field(default_factory=list)


class Lines(Contract):
    """`lines.json`: indices are 0..n-1 in order."""

    lines: list[Line] = Field(default_factory=list)

    @model_validator(mode="after")
    def _indices_are_positions(self) -> Self:
        for position, line in enumerate(self.lines):
            if line.index != position:
                raise ValueError(f"line at position {position} has index {line.index}")
        return self


class IdentityMethod(StrEnum):
    RULE = "rule"
    LLM = "llm"
    HUMAN = "human"


class SpeakerIdentity(Contract):
    """Who a diarization label is. Unknown is an answer; a wrong name is the worst one.

    Example: `{"label": "SPEAKER_03", "person_id": 7631, "name": "Jennifer Gutiérrez",
    "display_name": "Jennifer Gutiérrez", "role": "Chair", "organization": "NYC Council",
    "confidence": 0.92, "evidence": [12, 13], "method": "rule"}`
    """

    label: str
    person_id: int | None = None
    name: str | None = None
    display_name: str
    role: str | None = None
    organization: str | None = None
    confidence: float = Field(0.0, ge=0, le=1)
    evidence: list[int] = Field(default_factory=list, description="line indices")
    method: IdentityMethod = IdentityMethod.RULE


class SpeakerIdentities(Contract):
    """`speakers.json`."""

    speakers: list[SpeakerIdentity] = Field(default_factory=list)

    def by_label(self) -> dict[str, SpeakerIdentity]:
        return {speaker.label: speaker for speaker in self.speakers}


class ChapterKind(StrEnum):
    OPENING_REMARKS = "opening_remarks"
    REMARKS = "remarks"
    PROCEDURE = "procedure"
    AGENCY_TESTIMONY = "agency_testimony"
    PUBLIC_TESTIMONY = "public_testimony"
    QA = "qa"
    VOTE = "vote"
    OTHER = "other"

    @property
    def label(self) -> str:
        return "Q&A" if self is ChapterKind.QA else self.value.replace("_", " ").capitalize()


class Provenance(Contract):
    generator: str = Field(description="LLM model name, 'offline' or 'human'")
    prompt_version: str | None = None
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))


class PersonRole(StrEnum):
    """What a person does in one chapter."""

    ASKS = "asks"
    ANSWERS = "answers"
    TESTIFIES = "testifies"
    CHAIRS = "chairs"


class ChapterPerson(Contract):
    """Someone in a chapter: a named person, or a diarization label shown as "Speaker N".

    Example: `{"label": "SPEAKER_03", "person_id": 7631, "name": "Jennifer Gutiérrez",
    "role": "asks"}`
    """

    label: str
    person_id: int | None = None
    name: str = Field(description="the display name: the person's name or 'Speaker N'")
    role: PersonRole


class Chapter(Contract):
    """A slice of lines `[start_line, stop_line)`; its times derive from its lines.

    Example: `{"start_line": 410, "stop_line": 431, "kind": "qa",
    "title": "Questions on the Mobility Hub program", "summary": "...",
    "bullets": ["...", "...", "..."], "people": [{"label": "SPEAKER_03", "name": "Jennifer
    Gutiérrez", "role": "asks"}, ...], "provenance": {"generator": "gpt-4.1-mini", ...}}`
    """

    start_line: int = Field(ge=0)
    stop_line: int = Field(gt=0, description="exclusive")
    kind: ChapterKind
    title: str
    summary: str = ""
    bullets: list[str] = Field(default_factory=list)
    people: list[ChapterPerson] = Field(default_factory=list, description="who asks, answers …")
    provenance: Provenance

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.stop_line <= self.start_line:
            raise ValueError(f"chapter [{self.start_line}, {self.stop_line}) has no lines")
        return self


class TilingError(ValueError):
    """Chapters do not tile the hearing's lines."""


def check_tiling(chapters: list[Chapter], line_count: int) -> None:
    """Chapters must be sorted, non-overlapping and cover lines 0..line_count-1 without gaps."""
    if line_count == 0:
        if chapters:
            raise TilingError("a hearing without lines has no chapters")
        return
    expected_start = 0
    for position, chapter in enumerate(chapters):
        if chapter.start_line != expected_start:
            raise TilingError(
                f"chapter {position} starts at line {chapter.start_line}, expected {expected_start}"
            )
        expected_start = chapter.stop_line
    if expected_start != line_count:
        raise TilingError(f"chapters end at line {expected_start}, the hearing has {line_count}")


class Chapters(Contract):
    """`chapters.json`: the chapters tile lines 0..line_count-1, plus a hearing summary."""

    line_count: int = Field(ge=0)
    chapters: list[Chapter] = Field(default_factory=list)
    summary: str = Field("", description="the whole hearing, from the chapter summaries")

    @model_validator(mode="after")
    def _tiles(self) -> Self:
        check_tiling(self.chapters, self.line_count)
        return self


class TokenUsage(Contract):
    """LLM tokens and their estimated cost, summed over the calls of a stage."""

    calls: int = Field(0, ge=0)
    tokens_in: int = Field(0, ge=0)
    tokens_out: int = Field(0, ge=0)
    cost_usd: float = Field(0.0, ge=0, description="of the priced calls only")
    unpriced_calls: int = Field(0, ge=0, description="calls of models without a known price")

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            calls=self.calls + other.calls,
            tokens_in=self.tokens_in + other.tokens_in,
            tokens_out=self.tokens_out + other.tokens_out,
            cost_usd=self.cost_usd + other.cost_usd,
            unpriced_calls=self.unpriced_calls + other.unpriced_calls,
        )

    @property
    def known_cost_usd(self) -> float | None:
        """The cost, or None when a call went to a model without a price."""
        return None if self.unpriced_calls else self.cost_usd

    @property
    def cost_text(self) -> str:
        """The cost as "$0.0123", or "cost unknown" when a call went to a model without a price."""
        if self.unpriced_calls:
            return f"cost unknown ({self.unpriced_calls} calls of unpriced models)"
        return f"${self.cost_usd:.4f}"
