"""What every command shares: the console, settings and the database, with one-line errors."""

from __future__ import annotations

import re
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.db import (
    DatabaseNotMigrated,
    DatabaseUnavailable,
    ensure_migrated,
    make_engine,
    make_session_factory,
)
from pipeline.config import Settings, SettingsError, get_settings

# Escape sequences (CSI, OSC) and other control characters in stored text (a title, a
# transcript line) would drive the reader's terminal.
TERMINAL_ESCAPES = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|\x1b.?")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
console = Console()
error_console = Console(stderr=True, soft_wrap=True)


def shown(text: str) -> str:
    """Stored text made safe to print: no terminal escapes, no Rich markup."""
    return escape(CONTROL_CHARACTERS.sub("", TERMINAL_ESCAPES.sub("", text)))


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


def open_database(settings: Settings) -> sessionmaker[Session]:
    """A session factory on a reachable, fully migrated database, or a one-line error."""
    engine = engine_or_fail(settings)
    try:
        ensure_migrated(engine)
    except (DatabaseUnavailable, DatabaseNotMigrated) as error:
        fail(str(error))
    return make_session_factory(engine)
