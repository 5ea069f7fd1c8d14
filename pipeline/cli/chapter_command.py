"""`hearings chapter SLUG`: split one hearing into chapters (LLM or offline)."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.chapters.step import ChaptererChoice, run_chapter
from pipeline.cli.common import console, load_settings_or_fail
from pipeline.llm import LlmError
from pipeline.stages import HearingContext


def chapter(
    slug: str = typer.Argument(..., help="the hearing's folder name under the data dir"),
    chapterer: Annotated[
        ChaptererChoice,
        typer.Option("--chapterer", help="auto means the LLM when one is configured"),
    ] = "auto",
    force: bool = typer.Option(False, "--force", help="recompute even when chapters are fresh"),
) -> None:
    """Split a hearing's lines into typed chapters with titles, summaries and bullets."""
    settings = load_settings_or_fail()
    context = HearingContext.for_slug(slug, settings)
    try:
        result = run_chapter(context, chapterer=chapterer, force=force)
    except LlmError as error:
        spent = error.usage
        console.print(
            f"LLM before failing: {spent.calls} calls, {spent.tokens_in} tokens in, "
            f"{spent.tokens_out} out, {spent.cost_text}"
        )
        raise
    state = "fresh, skipped" if result.skipped else "written"
    console.print(f"{slug}: {result.summary} — chapters.json {state}")
    usage = result.usage
    if usage.calls:
        console.print(
            f"LLM: {usage.calls} calls, {usage.tokens_in} tokens in, {usage.tokens_out} out, "
            f"{usage.cost_text}"
        )
