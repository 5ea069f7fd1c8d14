"""The `hearings` command line (Typer + Rich).

Commands import their heavy libraries (torch, pyannote, openai, Prefect) inside their
bodies, so that `hearings show` and `hearings status` start in well under a second.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from pipeline.cli.common import HearingsGroup, console

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


# Each command's module is imported only when that command runs (or `--help` lists it):
# `hearings status` then pays for its own imports, not for every other command's.
HearingsGroup.lazy_commands = {
    "config": "pipeline.cli.config_commands:app",
    "db": "pipeline.cli.db_commands:app",
    "demo": "pipeline.cli.demo_command:demo",
    "chapter": "pipeline.cli.chapter_command:chapter",
    "roster": "pipeline.cli.roster_commands:app",
    "server": "pipeline.cli.server_commands:app",
    "discover": "pipeline.cli.discover_commands:discover_command",
    "transcribe": "pipeline.cli.transcribe_command:transcribe",
    "ingest": "pipeline.cli.flow_commands:ingest",
    "nightly": "pipeline.cli.flow_commands:nightly",
    "backfill": "pipeline.cli.flow_commands:backfill",
    "status": "pipeline.cli.flow_commands:status",
    "show": "pipeline.cli.show_command:show",
    "delete": "pipeline.cli.delete_command:delete",
    "speakers": "pipeline.cli.speakers_command:speakers",
    "review": "pipeline.cli.review_commands:review",
    "editor": "pipeline.cli.review_commands:editor_app",
    "publish": "pipeline.cli.publish_commands:publish",
    "search": "pipeline.cli.publish_commands:search_command",
}
