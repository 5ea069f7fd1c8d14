"""What every command shares: the console, settings and the database, with one-line errors."""

from __future__ import annotations

import importlib
import re
from datetime import date, datetime
from typing import Any, ClassVar, NoReturn

import click
import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.core import TyperGroup

from models.db import ensure_migrated, make_engine, make_session_factory, upgrade
from pipeline.config import Settings, get_settings
from pipeline.errors import HearingsError

# Escape sequences (CSI, OSC) and other control characters in stored text (a title, a
# transcript line) would drive the reader's terminal.
TERMINAL_ESCAPES = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-?]*[ -/]*[@-~]|\x1b.?")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
DATE_FORMATS = ["%Y-%m-%d"]
console = Console()
error_console = Console(stderr=True, soft_wrap=True)


def shown(text: str) -> str:
    """Stored text made safe to print: no terminal escapes, no Rich markup."""
    return escape(CONTROL_CHARACTERS.sub("", TERMINAL_ESCAPES.sub("", text)))


def fail(message: str) -> NoReturn:
    error_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=1)


class HearingsGroup(TyperGroup):
    """The command group: an error the user can fix (`HearingsError`), from any command,
    ends as one red line and exit status 1; any other error is a bug and keeps its traceback.

    `lazy_commands` maps a command name to "module:attribute" (a function or a Typer app),
    imported only when the command is asked for."""

    lazy_commands: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *self.lazy_commands]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands:
            return _load_command(cmd_name, self.lazy_commands[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HearingsError as error:
            fail(str(error))


def _load_command(name: str, target: str) -> click.Command:
    module, _, attribute = target.partition(":")
    found = getattr(importlib.import_module(module), attribute)
    if isinstance(found, typer.Typer):
        command: click.Command = typer.main.get_group(found)  # no completion options of its own
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


def as_date(moment: datetime | None) -> date | None:
    """The day of a `--since`/`--until` option (Typer parses dates as datetimes)."""
    return moment.date() if moment else None


def load_settings_or_fail() -> Settings:
    """The settings; a bad value raises SettingsError, which the group prints as one line."""
    return get_settings()


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
    if create_local and settings.database_url is None:
        upgrade(engine)
    ensure_migrated(engine)  # DatabaseUnavailable / DatabaseNotMigrated: one line
    return make_session_factory(engine)
