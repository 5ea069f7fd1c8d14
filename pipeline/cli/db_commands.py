"""`hearings db ...`: create and migrate the database."""

from __future__ import annotations

import typer

from models.db import current_revision, describe_url, head_revision, upgrade
from pipeline.cli.common import console, engine_or_fail, fail, load_settings_or_fail

app = typer.Typer(help="Create and migrate the database.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    revision: str = typer.Argument("head", help="Alembic revision to migrate to"),
) -> None:
    """Create the database or migrate it to the newest schema."""
    settings = load_settings_or_fail()
    engine = engine_or_fail(settings)
    upgrade(engine, revision)
    console.print(
        f"database at {describe_url(settings.effective_database_url)} "
        f"is at revision {current_revision(engine)}"
    )


@app.command("status")
def status_command() -> None:
    """Say which migration the database is at and which is the newest."""
    settings = load_settings_or_fail()
    engine = engine_or_fail(settings)
    try:
        current = current_revision(engine)
    except Exception as error:  # any driver error means the URL cannot be used
        fail(f"cannot open the database at {describe_url(str(engine.url))}: {error}")
    head = head_revision()
    state = "up to date" if current == head else "needs `hearings db upgrade`"
    console.print(f"current: {current or 'none'}  newest: {head}  ({state})")
