"""`hearings chapter SLUG`: split one hearing into chapters (LLM or offline).

A hearing the database knows is claimed for the run and gets its StageRun row, as in a
flow; a folder of artifacts alone (no database, or a hearing it does not know) is
chaptered all the same.
"""

from __future__ import annotations

from logging import getLogger
from typing import Annotated, Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Hearing
from models.db import (
    DatabaseNotMigrated,
    DatabaseUnavailable,
    ensure_migrated,
    make_engine,
    make_session_factory,
)
from pipeline.chapters.options import ChaptererChoice
from pipeline.cli.common import console, load_settings_or_fail
from pipeline.config import Settings
from pipeline.progress import NO_PROGRESS
from pipeline.stages import HearingContext, Outcome, run_stage
from pipeline.store.hearing_lock import HearingLock


def _database_knowing(settings: Settings, slug: str) -> sessionmaker[Session] | None:
    """Sessions on the migrated database when it has hearing `slug`, else None."""
    try:
        engine = make_engine(settings.effective_database_url)
        ensure_migrated(engine)
    except (DatabaseUnavailable, DatabaseNotMigrated, ValueError, ImportError):
        return None
    factory = make_session_factory(engine)
    with factory() as session:
        known = session.scalar(select(Hearing.id).where(Hearing.slug == slug))
    return factory if known is not None else None


def _run_chapter(context: HearingContext, params: dict[str, Any], force: bool) -> Outcome:
    from pipeline.chapters.step import CHAPTER_STAGE  # the LLM client: only when chaptering

    factory = _database_knowing(context.settings, context.slug)
    if factory is None:
        return run_stage(CHAPTER_STAGE, context, params=params, force=force)
    from flows.hearing_run import record_stage

    lock = HearingLock(factory, context.slug)
    lock.claim(wait_seconds=0)
    try:
        return record_stage(
            factory, context, CHAPTER_STAGE, params=params, force=force,
            progress=NO_PROGRESS, flow_run_id=None, log=getLogger("hearings.chapter"),
        )  # fmt: skip
    finally:
        lock.release()


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
    from pipeline.llm import LlmError  # the LLM client (openai) only when chaptering

    try:
        result = _run_chapter(context, {"chapterer": chapterer}, force)
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
