"""`hearings chapter SLUG`: split one hearing into chapters (LLM or offline)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from pipeline.artifacts import ArtifactError
from pipeline.chapters.prompts import PromptError
from pipeline.chapters.step import ChapteringError, run_chapter
from pipeline.cli.common import console, fail, load_settings_or_fail
from pipeline.llm import LlmError
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
    settings = load_settings_or_fail()
    try:
        context = HearingContext.for_slug(slug, settings)
        result = run_chapter(context, chapterer=chapterer.value, force=force)
    except LlmError as error:
        spent = error.usage
        fail(f"{error} (spent before failing: {spent.calls} calls, {spent.tokens_in} tokens in, "
             f"{spent.tokens_out} out, {spent.cost_text})")
    except (ValueError, ArtifactError, ChapteringError, PromptError) as error:
        fail(str(error))
    state = "fresh, skipped" if result.skipped else "written"
    console.print(f"{slug}: {result.summary} — chapters.json {state}")
    usage = result.usage
    if usage.calls:
        console.print(
            f"LLM: {usage.calls} calls, {usage.tokens_in} tokens in, {usage.tokens_out} out, "
            f"{usage.cost_text}"
        )
