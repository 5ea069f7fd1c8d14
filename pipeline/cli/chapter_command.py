"""`hearings chapter SLUG`: split one hearing into chapters (LLM or offline)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from pipeline.artifacts import ArtifactError
from pipeline.cli.common import console, fail, load_settings_or_fail
from pipeline.stages import HearingContext


class ChaptererName(StrEnum):
    AUTO = "auto"
    LLM = "llm"
    OFFLINE = "offline"


def chapter(
    slug: str = typer.Argument(..., help="the hearing's folder name under the data dir"),
    chapterer: Annotated[
        ChaptererName,
        typer.Option("--chapterer", help="auto means the LLM when one is configured"),
    ] = ChaptererName.AUTO,
    force: bool = typer.Option(False, "--force", help="recompute even when chapters are fresh"),
) -> None:
    """Split a hearing's lines into typed chapters with titles, summaries and bullets."""
    # The LLM client is imported here, so that other commands start fast.
    from pipeline.chapters.prompts import PromptError
    from pipeline.chapters.step import ChapteringError, run_chapter
    from pipeline.llm import LlmError

    settings = load_settings_or_fail()
    try:
        context = HearingContext.for_slug(slug, settings)
        result = run_chapter(context, chapterer=chapterer.value, force=force)
    except (ValueError, ArtifactError, ChapteringError, PromptError, LlmError) as error:
        fail(str(error))
    state = "fresh, skipped" if result.skipped else "written"
    console.print(f"{slug}: {result.summary} — chapters.json {state}")
    usage = result.usage
    if usage.calls:
        console.print(
            f"LLM: {usage.calls} calls, {usage.tokens_in} tokens in, {usage.tokens_out} out, "
            f"≈ ${usage.cost_usd:.4f}"
        )
