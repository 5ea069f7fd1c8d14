"""Knobs of the chapter stage; all of them are part of its fingerprint.

The token sizes are upper bounds for a large-context model; `fit_to_context` lowers them
so that every call (its fixed instructions, its transcript and the longest reply it may
get) fits the context window of that task's model.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from pipeline.config import LlmSettings

# The estimate of a prompt's tokens may be off by this share of the context.
CONTEXT_MARGIN = 0.1
# Instructions, kinds, the speaker legend and the previous chapters around a window.
BOUNDARY_PROMPT_TOKENS = 700
# Instructions and the list of a batch's speakers around the chapters' text.
WRITING_PROMPT_TOKENS = 500
SUMMARY_PROMPT_TOKENS = 300
SUMMARY_REPLY_TOKENS = 600

# auto: the LLM when one is configured, else the offline chapterer.
ChaptererChoice = Literal["auto", "llm", "offline"]


class ChapteringOptions(BaseModel):
    max_chapter_seconds: float = Field(600.0, gt=0, description="longer chapters are split")
    min_chapter_seconds: float = Field(30.0, ge=0, description="shorter ones are merged")
    window_tokens: int = Field(8000, ge=200, description="condensed transcript per LLM window")
    overlap_tokens: int = Field(400, ge=0, description="shared by consecutive windows")
    boundary_reply_tokens: int = Field(3000, ge=100, description="a window's reply, at most")
    max_chapter_tokens: int = Field(3000, ge=200, description="a longer chapter is abridged")
    chapter_reply_tokens: int = Field(600, ge=100, description="one chapter's text, at most")
    batch_tokens: int = Field(10000, ge=200, description="chapter text per writing call")
    batch_chapters: int = Field(16, ge=1, description="chapters written per call, at most")
    max_outline_tokens: int = Field(100_000, ge=200, description="the hearing summary's input")
    offline_threshold_sigmas: float = Field(
        1.0, description="offline: a gap is a boundary above mean + this many deviations"
    )

    def fit_to_context(self, llm: LlmSettings) -> ChapteringOptions:
        """These options with every call's input and reply inside its model's context."""
        boundaries = usable(llm.context_for("boundaries"), BOUNDARY_PROMPT_TOKENS)
        reply = min(self.boundary_reply_tokens, boundaries // 3)
        window = max(200, min(self.window_tokens, boundaries - reply))
        writing = usable(llm.context_for("chapter"), WRITING_PROMPT_TOKENS)
        chapter_reply = min(self.chapter_reply_tokens, writing // 4)
        per_call = max(1, min(self.batch_chapters, writing // 2 // chapter_reply))
        summary = usable(llm.context_for("summary"), SUMMARY_PROMPT_TOKENS)
        return self.model_copy(
            update={
                "window_tokens": window,
                "overlap_tokens": min(self.overlap_tokens, window // 10),
                "boundary_reply_tokens": reply,
                "chapter_reply_tokens": chapter_reply,
                "max_chapter_tokens": max(
                    200, min(self.max_chapter_tokens, writing - chapter_reply)
                ),
                "batch_chapters": per_call,
                "batch_tokens": max(
                    200, min(self.batch_tokens, writing - chapter_reply * per_call)
                ),
                "max_outline_tokens": max(
                    200, min(self.max_outline_tokens, summary - SUMMARY_REPLY_TOKENS)
                ),
            }
        )


def usable(context_tokens: int, prompt_tokens: int) -> int:
    """What a call may spend on transcript and reply once instructions and margin are kept."""
    return int(context_tokens * (1 - CONTEXT_MARGIN)) - prompt_tokens
