"""The `hearings` command line (Typer + Rich).

Commands import their heavy libraries (torch, pyannote, openai, Prefect) inside their
bodies, so that `hearings show` and `hearings status` start in well under a second.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pipeline.cli import (
    config_commands,
    db_commands,
    flow_commands,
    review_commands,
    roster_commands,
    server_commands,
)
from pipeline.cli.chapter_command import chapter
from pipeline.cli.common import HearingsGroup, console
from pipeline.cli.delete_command import delete
from pipeline.cli.demo_command import demo
from pipeline.cli.discover_commands import discover_command
from pipeline.cli.publish_commands import publish, search_command
from pipeline.cli.show_command import show
from pipeline.cli.speakers_command import speakers
from pipeline.cli.transcribe_command import transcribe

# When Prefect does start a temporary server (a Prefect imported before the CLI chose the
# shared local one), a busy machine needs longer than its 20 s default.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

app = typer.Typer(
    name="hearings",
    cls=HearingsGroup,
    help="Turn public-hearing videos into chaptered, speaker-attributed guides.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version  # 80 ms that only --version needs

        console.print(f"hearings {version('hearings')}")
        raise typer.Exit()


@app.callback()
def main(
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="print it, exit"),
    ] = False,
) -> None:
    """Turn public-hearing videos into chaptered, speaker-attributed guides."""


app.add_typer(config_commands.app, name="config")
app.add_typer(db_commands.app, name="db")
app.command("demo")(demo)
app.command("chapter")(chapter)
app.add_typer(roster_commands.app, name="roster")
app.add_typer(server_commands.app, name="server")
app.command("discover")(discover_command)
app.command("transcribe")(transcribe)
flow_commands.register(app)
app.command("show")(show)
app.command("delete")(delete)
app.command("speakers")(speakers)
app.command("review")(review_commands.review)
app.add_typer(review_commands.editor_app, name="editor")
app.command("publish")(publish)
app.command("search")(search_command)
