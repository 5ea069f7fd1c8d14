"""What every command shares: the console, settings and the database, with one-line errors."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db import (
    DatabaseNotMigrated,
    DatabaseUnavailable,
    ensure_migrated,
    make_engine,
    make_session_factory,
    upgrade,
)
from pipeline.config import Settings, SettingsError, get_settings

console = Console()
error_console = Console(stderr=True, soft_wrap=True)


def fail(message: str) -> NoReturn:
    error_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=1)


def load_settings_or_fail() -> Settings:
    try:
        return get_settings()
    except SettingsError as error:
        fail(str(error))


def engine_or_fail(settings: Settings) -> Engine:
    try:
        return make_engine(settings.effective_database_url)
    except (ValueError, ImportError) as error:
        fail(f"invalid database URL in HEARINGS_DATABASE_URL: {error}")


def open_database(settings: Settings, *, create_local: bool = False) -> sessionmaker[Session]:
    """A session factory on a reachable, fully migrated database, or a one-line error.

    With `create_local`, the default SQLite file in the data folder is created or migrated
    first (as `hearings demo` does): nothing to set up before a first `hearings transcribe`.
    """
    engine = engine_or_fail(settings)
    try:
        if create_local and settings.database_url is None:
            upgrade(engine)
        ensure_migrated(engine)
    except (DatabaseUnavailable, DatabaseNotMigrated) as error:
        fail(str(error))
    return make_session_factory(engine)
