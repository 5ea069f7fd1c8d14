"""`hearings delete SLUG`: remove a hearing (a junk ingest, a wrong file) and its artifacts."""

from __future__ import annotations

import shutil
from typing import Annotated

import typer
from sqlalchemy import select

from models import Hearing
from models.db import transaction
from pipeline.artifacts import validate_slug
from pipeline.cli.common import console, fail, load_settings_or_fail, open_database, shown
from pipeline.store.hearing_lock import live_claims


def delete(
    slug: Annotated[str, typer.Argument(help="the hearing's slug (see `hearings status`)")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")] = False,
) -> None:
    """Delete a hearing: its rows (lines, speakers, chapters, edits, runs) and its folder."""
    settings = load_settings_or_fail()
    try:
        folder = settings.hearings_dir / validate_slug(slug)
    except ValueError as error:
        fail(str(error))
    factory = open_database(settings)
    with factory() as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
        if hearing is None:
            fail(f"no hearing {slug!r}; `hearings status` lists the stored ones")
        if slug in live_claims(session):
            fail(f"{slug} is being processed now; delete it when that run has ended")
        what = f"{shown(hearing.title)} ({len(hearing.chapters)} chapters, status {hearing.status})"
    if not yes:
        typer.confirm(f"Delete {slug}: {what}, and {folder}?", abort=True)
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
        if hearing is not None:
            session.delete(hearing)
    shutil.rmtree(folder, ignore_errors=True)
    console.print(f"deleted {slug} and {folder}")
