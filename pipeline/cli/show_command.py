"""`hearings show SLUG`: a stored hearing as a reader sees it, chapter by chapter.

Each chapter reads like a chapter page: "Q&A · 2:29:06 · 126 sec", its title, summary, who
asks, answers, testifies or chairs, and bullets, then (with `--lines`) its transcript lines
with speaker names and timestamps.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, TranscriptLine
from pipeline.cli.common import console, fail, load_settings_or_fail, open_database, shown
from pipeline.formatting import chapter_heading, clock


def people_line(people: list[dict[str, Any]], names: dict[str, str]) -> str:
    """'Jennifer Gutiérrez asks · Michael Gerber answers', with today's names (an editor's
    fix shows at once)."""
    return " · ".join(
        f"{names.get(person['label'], person.get('name') or person['label'])} {person['role']}"
        for person in people
    )


def _print_chapter(chapter: Chapter, lines: list[TranscriptLine], names: dict[str, str]) -> None:
    heading = chapter_heading(chapter.kind, chapter.start, chapter.end)
    console.print(f"\n[dim]{heading} · {chapter.review_state}[/]")
    console.print(f"[bold]{shown(chapter.title)}[/]")
    if chapter.summary:
        console.print(shown(chapter.summary))
    if chapter.people:
        console.print(f"[dim]{shown(people_line(chapter.people, names))}[/]")
    for bullet in chapter.bullets:
        console.print(f"  • {shown(bullet)}")
    for line in lines:
        speaker = names.get(line.speaker_label, line.speaker_label)
        console.print(
            f"    [cyan]{shown(speaker)}[/] [dim]{clock(line.start)}[/] {shown(line.text)}"
        )


def _load(session: Session, slug: str) -> Hearing:
    hearing = session.scalars(select(Hearing).where(Hearing.slug == slug)).one_or_none()
    if hearing is None:
        fail(f"no hearing {slug!r}; `hearings status` lists the stored ones")
    return hearing


def show(
    slug: Annotated[str, typer.Argument(help="the hearing's slug (see `hearings status`)")],
    with_lines: Annotated[
        bool, typer.Option("--lines", help="print each chapter's transcript lines too")
    ] = False,
) -> None:
    """Print a stored hearing's summary and chapters (and transcript with --lines)."""
    factory = open_database(load_settings_or_fail())
    with factory() as session:
        hearing = _load(session, slug)
        console.print(f"[bold]{shown(hearing.title)}[/]  [dim]({hearing.status})[/]")
        if hearing.summary:
            console.print(shown(hearing.summary))
        if not hearing.chapters:
            console.print("[dim]No chapters yet: run `hearings ingest` for this hearing.[/]")
        names = {speaker.label: speaker.display_name for speaker in hearing.speakers}
        for chapter in (chapter for chapter in hearing.chapters if not chapter.detached):
            lines = hearing.lines[chapter.start_line : chapter.stop_line] if with_lines else []
            _print_chapter(chapter, lines, names)
        _print_kept_aside(hearing)


def _print_kept_aside(hearing: Hearing) -> None:
    """A person's chapters and names that a new transcript left without a place."""
    flagged = [c for c in hearing.chapters if c.detached] + [
        s for s in hearing.speakers if s.review_flag
    ]
    if flagged:
        console.print("\n[bold yellow]Kept aside for review[/]")
    for chapter in (c for c in hearing.chapters if c.detached):
        flag = shown(chapter.review_flag or "")
        console.print(f"  [dim]chapter[/] {shown(chapter.title)}: {flag}")
    for speaker in (s for s in hearing.speakers if s.review_flag):
        flag = shown(speaker.review_flag or "")
        console.print(f"  [dim]speaker[/] {shown(speaker.display_name)}: {flag}")
