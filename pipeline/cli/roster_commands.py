"""`hearings roster ...`: load who sits on which committee, and show a hearing's roster."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from flows.roster import roster_on
from models.db import transaction
from pipeline.cli.common import DATE_FORMATS, console, fail, load_settings_or_fail, open_database
from pipeline.config import Settings
from pipeline.sources.bundled_roster import (
    BUNDLED_ROSTER_DIR,
    BundledRoster,
    load_bundled_roster,
    read_places,
)
from pipeline.store.roster import upsert_roster

app = typer.Typer(help="The council roster: committees, members, chairs.", no_args_is_help=True)
DEFAULT_ACTIVE_SINCE = datetime(2022, 1, 1)


def _from_legistar(settings: Settings, active_since: datetime) -> BundledRoster:
    places_file = BUNDLED_ROSTER_DIR / "districts.csv"
    places = read_places(places_file) if places_file.is_file() else {}
    from pipeline.sources.legistar import LegistarClient  # httpx: not loaded by --help

    with LegistarClient(settings.legistar, network=settings.network) as client:
        return BundledRoster(
            bodies=client.bodies(),
            persons=client.persons(),
            office_records=client.office_records(active_since.date()),
            places=places,
        )


@app.command("sync")
def sync(
    active_since: Annotated[
        datetime,
        typer.Option(
            "--active-since",
            formats=DATE_FORMATS,
            help="load office records that end on or after this date",
        ),
    ] = DEFAULT_ACTIVE_SINCE,
) -> None:
    """Upsert bodies, people and memberships from Legistar (or the bundled roster)."""
    settings = load_settings_or_fail()
    factory = open_database(settings)
    if settings.legistar.token is None:
        console.print(
            "No Legistar token configured (HEARINGS_LEGISTAR__TOKEN): using the bundled "
            f"roster in {BUNDLED_ROSTER_DIR} (NYC public records, 2022-2025)."
        )
        roster = load_bundled_roster()
    else:
        roster = _from_legistar(settings, active_since)
    with transaction(factory) as session:
        report = upsert_roster(session, roster.records())
    console.print(
        f"roster: {report.bodies} bodies, {report.persons} people, "
        f"{report.memberships} memberships ({report.added} added, {report.changed} changed)"
    )


@app.command("show")
def show(
    on: Annotated[datetime, typer.Option("--date", formats=DATE_FORMATS, help="hearing date")],
    body: Annotated[str, typer.Option("--body", help='e.g. "Committee on Finance"')],
) -> None:
    """Who could speak at a hearing of BODY on DATE, most likely first."""
    factory = open_database(load_settings_or_fail())
    with factory() as session:
        members = roster_on(session, on.date(), [body])
    if not members:
        fail(f"no memberships recorded on {on.date()}: is the roster synced for that period?")
    table = Table(
        "#", "name", "title", "body", "district", "borough", title=f"{body} on {on.date()}"
    )
    for rank, member in enumerate(members, start=1):
        district = str(member.district) if member.district is not None else ""
        table.add_row(
            str(rank), member.name, member.title, member.body, district, member.borough or ""
        )
    console.print(table)
