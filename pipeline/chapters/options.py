"""Knobs of the chapter stage; all of them are part of its fingerprint."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# auto: the LLM when one is configured, else the offline chapterer.
ChaptererChoice = Literal["auto", "llm", "offline"]


class ChapteringOptions(BaseModel):
    max_chapter_seconds: float = Field(600.0, gt=0, description="longer chapters are split")
    min_chapter_seconds: float = Field(30.0, ge=0, description="shorter ones are merged")
    window_tokens: int = Field(8000, ge=200, description="condensed transcript per LLM window")
    overlap_tokens: int = Field(400, ge=0, description="shared by consecutive windows")
    max_chapter_tokens: int = Field(3000, ge=200, description="a longer chapter is abridged")
    batch_tokens: int = Field(10000, ge=200, description="chapter text per writing call")
    batch_chapters: int = Field(16, ge=1, description="chapters written per call, at most")
    offline_threshold_sigmas: float = Field(
        1.0, description="offline: a gap is a boundary above mean + this many deviations"
    )
