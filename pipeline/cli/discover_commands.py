"""`hearings discover`: find Legistar hearings, store them, list the ones ready to process."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from pipeline.cli.common import DATE_FORMATS, as_date, console, load_settings_or_fail, open_database
from pipeline.sources.events import NEW_YORK
from pipeline.store.hearings import DiscoveryReport


def _local_time(moment: datetime | None) -> str:
    return moment.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M") if moment else ""


def discover_command(
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=DATE_FORMATS,
            help="first hearing date; default: what changed since the last discovery",
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option("--until", formats=DATE_FORMATS, help="last hearing date (inclusive)"),
    ] = None,
) -> None:
    """Find hearings on the Legistar calendar, store them and list those ready to process."""
    from flows.discovery import discover_on_legistar  # httpx: not loaded by --help
    from pipeline.sources.legistar import require_token

    settings = load_settings_or_fail()
    require_token(settings.legistar)
    factory = open_database(settings)
    report = discover_on_legistar(settings, factory, as_date(since), as_date(until))
    print_report(report)


def print_report(report: DiscoveryReport) -> None:
    console.print(
        f"{report.events_checked} events checked: {len(report.new)} new, "
        f"{len(report.updated)} updated, {len(report.waiting_for_video)} waiting for video, "
        f"{len(report.skipped)} skipped, {len(report.ready)} ready to process"
    )
    for slug, reason in report.skipped.items():
        console.print(f"  skipped {slug}: {reason}", highlight=False)
    if not report.ready:
        return
    table = Table("hearing", "when (New York)", "video")
    for hearing in report.ready:
        table.add_row(hearing.slug, _local_time(hearing.scheduled_at), hearing.video_url or "")
    console.print(table)
