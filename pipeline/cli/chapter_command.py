"""`hearings chapter SLUG`: split one hearing into chapters (LLM or offline)."""

from __future__ import annotations

from typing import Annotated

import typer

from pipeline.chapters.options import ChaptererChoice
from pipeline.cli.common import console, load_settings_or_fail
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
    from pipeline.chapters.step import run_chapter  # the LLM client: only when chaptering

    settings = load_settings_or_fail()
    context = HearingContext.for_slug(slug, settings)
    result = run_chapter(context, chapterer=chapterer, force=force)
    state = "fresh, skipped" if result.skipped else "written"
    console.print(f"{slug}: {result.summary} — chapters.json {state}")
    usage = result.usage
    if usage.calls:
        console.print(
            f"LLM: {usage.calls} calls, {usage.tokens_in} tokens in, {usage.tokens_out} out, "
            f"≈ ${usage.cost_usd:.4f}"
        )
