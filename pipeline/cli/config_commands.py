"""`hearings config ...`: what the program will use, secrets masked."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from pipeline.cli.common import console, load_settings_or_fail
from pipeline.config import masked_settings

app = typer.Typer(help="Show the effective settings.", no_args_is_help=True)


def _flatten(prefix: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, dict) and value:
        rows: list[tuple[str, str]] = []
        for key, inner in value.items():
            rows.extend(_flatten(f"{prefix}__{key}".upper() if prefix else key.upper(), inner))
        return rows
    return [(prefix, json.dumps(value) if not isinstance(value, str) else value)]


@app.command("show")
def show(
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
) -> None:
    """Print every setting with its effective value (secrets masked)."""
    values = masked_settings(load_settings_or_fail())
    if as_json:
        console.print_json(data=values)
        return
    table = Table("setting (HEARINGS_...)", "value")
    for name, value in _flatten("", values):
        table.add_row(name, value)
    console.print(table)
