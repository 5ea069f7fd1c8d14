"""The `hearings` command line (Typer + Rich)."""

from __future__ import annotations

import typer

from pipeline.cli import (
    config_commands,
    db_commands,
    flow_commands,
    review_commands,
    roster_commands,
)
from pipeline.cli.chapter_command import chapter
from pipeline.cli.common import HearingsGroup
from pipeline.cli.demo_command import demo
from pipeline.cli.discover_commands import discover_command
from pipeline.cli.publish_commands import publish, search_command
from pipeline.cli.show_command import show
from pipeline.cli.speakers_command import speakers
from pipeline.cli.transcribe_command import transcribe

app = typer.Typer(
    name="hearings",
    cls=HearingsGroup,
    help="Turn public-hearing videos into chaptered, speaker-attributed guides.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(config_commands.app, name="config")
app.add_typer(db_commands.app, name="db")
app.command("demo")(demo)
app.command("chapter")(chapter)
app.add_typer(roster_commands.app, name="roster")
app.command("discover")(discover_command)
app.command("transcribe")(transcribe)
flow_commands.register(app)
app.command("show")(show)
app.command("speakers")(speakers)
app.command("review")(review_commands.review)
app.add_typer(review_commands.editor_app, name="editor")
app.command("publish")(publish)
app.command("search")(search_command)
