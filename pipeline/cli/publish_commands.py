"""`hearings publish` and `hearings search`: the readers' site and full-text search."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy import select

from models import Hearing, HearingStatus
from pipeline.cli.common import console, fail, load_settings_or_fail, open_database
from pipeline.formatting import clock
from pipeline.sources.events import NEW_YORK
from pipeline.store.search import (
    MARK_END,
    MARK_START,
    SearchError,
    SearchHit,
    SearchQuery,
    search,
)


def publish(
    slug: Annotated[str | None, typer.Argument(help="one hearing's slug")] = None,
    all_hearings: Annotated[bool, typer.Option("--all", help="every published hearing")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="site folder (default: <data dir>/site)")
    ] = None,
) -> None:
    """Render published hearings to the static site; unchanged ones are left as they are."""
    if (slug is None) == (not all_hearings):
        fail("give a hearing's SLUG or --all")
    settings = load_settings_or_fail()
    factory = open_database(settings)
    if slug is not None:
        with factory() as session:
            hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
        if hearing is None:
            fail(f"no hearing {slug!r}; `hearings status` lists the stored ones")
        if hearing.status != HearingStatus.PUBLISHED:
            console.print(
                f"[yellow]{escape(slug)} is {hearing.status}, not published: "
                "none of it goes on the site[/]"
            )
    from pipeline.publish.site import publish_site  # Jinja2: not loaded by --help

    report = publish_site(
        factory,
        out or settings.site_dir,
        only=None if all_hearings else [slug or ""],
        base_url=settings.publish.base_url,
    )
    console.print(escape(report.describe()), soft_wrap=True)
    for name in report.rendered:
        console.print(f"  [green]rendered[/] {escape(name)}")
    for name in report.removed:
        console.print(f"  [red]removed[/] {escape(name)}")


def _highlight(snippet: str) -> str:
    return escape(snippet).replace(MARK_START, "[bold yellow]").replace(MARK_END, "[/]")


def _print_hit(number: int, hit: SearchHit, base_url: str) -> None:
    day = f"{hit.scheduled_at:%Y-%m-%d}" if hit.scheduled_at else "no date"
    where = f"{day} {hit.committee or hit.hearing_title}"
    what = f"“{hit.chapter_title}”" if hit.chapter_title else "(no chapter)"
    who = f"{hit.speaker} {clock(hit.start)}" if hit.is_line else f"chapter at {clock(hit.start)}"
    # Unwrapped (soft_wrap): a link broken over two lines cannot be clicked or copied.
    console.print(
        f"[bold]{number}.[/] {escape(where)} · {escape(what)} · [cyan]{escape(who)}[/]",
        soft_wrap=True,
    )
    console.print(f"   {_highlight(hit.snippet)}", soft_wrap=True)
    link = (
        f"{base_url.rstrip('/')}{hit.page_path}"
        if hit.page_path
        else f"hearings show {hit.hearing_slug}"
    )
    console.print(f"   [dim]{escape(link)}[/]", soft_wrap=True)


def search_command(
    query: Annotated[str, typer.Argument(help='words, or "a phrase" in quotes')],
    committee: Annotated[str | None, typer.Option(help="part of the committee's name")] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="hearings on or after")
    ] = None,
    speaker: Annotated[str | None, typer.Option(help="part of a speaker's name")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="editors: every hearing, unpublished included")
    ] = False,
) -> None:
    """Full-text search over published chapters and transcripts, best match first."""
    settings = load_settings_or_fail()
    factory = open_database(settings)
    request = SearchQuery(
        text=query,
        committee=committee,
        since=datetime.combine(since.date(), time.min, NEW_YORK) if since else None,
        speaker=speaker,
        include_drafts=drafts,
        limit=limit,
    )
    try:
        with factory() as session:
            hits = search(session, request)
    except SearchError as error:
        fail(str(error))
    if not hits:
        console.print(f"no match for {escape(query)!s}")
        return
    for number, hit in enumerate(hits, start=1):
        _print_hit(number, hit, settings.publish.base_url)

