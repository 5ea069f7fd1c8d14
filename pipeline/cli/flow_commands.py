"""`hearings ingest | nightly | backfill | status`: run the Prefect flows locally.

The flows run in this process on Prefect's embedded server: nothing to start first.
Prefect is imported inside the commands so that `hearings --help` stays fast.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table
from sqlalchemy import select

from models import Hearing, HearingStatus, StageRun
from models.db import transaction
from pipeline.chapters.options import ChaptererChoice
from pipeline.cli.common import (
    DATE_FORMATS,
    as_date,
    console,
    fail,
    load_settings_or_fail,
    open_database,
    shown,
)
from pipeline.sources.events import NEW_YORK
from pipeline.sources.manual import manual_hearing, normalize_source
from pipeline.stages import Stage
from pipeline.store.hearing_lock import live_claims
from pipeline.store.processing import (
    ManualDetails,
    attach_source,
    ensure_manual_hearing,
    hearing_by_event,
    latest_stage_runs,
)

if TYPE_CHECKING:
    from flows.batch import BatchSummary
    from flows.process_hearing import HearingReport
    from pipeline.config import Settings

FromStage = Annotated[
    Stage | None,
    typer.Option(
        "--from-stage", help="re-run this stage and every later one even when they are fresh"
    ),
]
Chapterer = Annotated[
    ChaptererChoice, typer.Option(help="auto: the LLM when one is configured, else offline")
]
MaxParallel = Annotated[int, typer.Option(min=1, help="hearings processed at the same time")]
NOTE_CHARS = 90
HELD_ON_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M"]
STATUS_MARKS = {"succeeded": "[green]✓[/]", "skipped": "[dim]–[/]", "failed": "[red]✗[/]"}


def use_prefect_server() -> None:
    """The shared local Prefect server (started by the first command that needs it) unless
    PREFECT_API_URL names another; before Prefect is imported."""
    from flows.local_server import LocalServerError, use_local_server

    try:
        use_local_server()
    except LocalServerError as error:
        fail(str(error))


def refuse_non_media(sources: list[str]) -> None:
    """A local file that is not audio or video stops the command before anything is stored."""
    from pipeline.acquire import check_media_source

    for source in sources:
        check_media_source(normalize_source(source))


def _resolve_slug(source: str | None, event_id: int | None, details: ManualDetails) -> str:
    """The hearing to ingest: a file or URL's own, an event's, or an event's given a file."""
    if source is None and event_id is None:
        fail("give a URL or file, or --event ID (or both: that event's video from a file)")
    if source is not None:
        refuse_non_media([source])
    factory = open_database(load_settings_or_fail())
    manual = manual_hearing(source) if source is not None else None
    with transaction(factory) as session:
        if event_id is None and manual is not None:
            hearing = ensure_manual_hearing(session, manual)
        else:
            hearing = hearing_by_event(session, event_id or 0)
            if manual is not None:
                attach_source(hearing, manual)
        changed, slug = details.apply(hearing), hearing.slug
    if changed:
        console.print(f"{slug}: {', '.join(changed)} set as given")
    return slug


def _say_if_waiting(slug: str, wait: float) -> None:
    """`--wait` while another run holds the hearing: say who, and for how long at most."""
    with open_database(load_settings_or_fail())() as session:
        claim = live_claims(session).get(slug)
    if claim is not None and wait > 0:
        console.print(
            f"{slug} is being processed by process {claim.pid} on {claim.host}; "
            f"waiting up to {wait:g} s for it to finish"
        )


def print_report(report: HearingReport) -> None:
    if report.status == "busy":
        fail(report.message)
    table = Table("stage", "result", "seconds", "note", title=f"{report.slug}: {report.status}")
    for outcome in report.stages:
        result = "unavailable" if outcome.unavailable else "skipped" if outcome.skipped else "ran"
        note = outcome.unavailable or outcome.summary
        note = note if len(note) <= NOTE_CHARS else note[: NOTE_CHARS - 1] + "…"
        table.add_row(outcome.stage.value, result, f"{outcome.seconds:.1f}", note)
    console.print(table)
    usage = report.usage
    console.print(
        f"LLM: {usage.tokens_in} tokens in, {usage.tokens_out} out, {usage.cost_text}"
    )


def ingest(
    source: Annotated[str | None, typer.Argument(help="video URL or local media file")] = None,
    event_id: Annotated[int | None, typer.Option("--event", help="Legistar event id")] = None,
    title: Annotated[str | None, typer.Option(help="the hearing's title (kept when set)")] = None,
    held_on: Annotated[
        datetime | None,
        typer.Option("--date", formats=HELD_ON_FORMATS, help="when it was held (New York time)"),
    ] = None,
    body: Annotated[
        str | None, typer.Option(help='its committee, e.g. "Committee on Finance" (roster)')
    ] = None,
    from_stage: FromStage = None,
    chapterer: Chapterer = "auto",
    wait: Annotated[float, typer.Option(help="seconds to wait while another run holds it")] = 0,
) -> None:
    """Process one hearing through every stage, on this machine."""
    held_at = held_on.replace(tzinfo=NEW_YORK).astimezone(UTC) if held_on else None
    slug = _resolve_slug(source, event_id, ManualDetails(title, held_at, body))
    _say_if_waiting(slug, wait)
    use_prefect_server()
    from flows.process_hearing import process_hearing

    console.print(f"processing [bold]{slug}[/]")
    report = process_hearing(slug, from_stage=from_stage, chapterer=chapterer, wait_seconds=wait)
    print_report(report)


def print_summary(summary: BatchSummary) -> None:
    for report in summary.reports:
        mark = "[green]✓[/]" if report.status == "draft" else "[red]✗[/]"
        console.print(f"{mark} {report.slug}: {report.status} {report.message}", highlight=False)
    console.print(summary.describe())


def _require_legistar_token(settings: Settings) -> None:
    """At once, before Prefect starts; imported here so `status`, in this module, loads no httpx."""
    from pipeline.sources.legistar import require_token

    require_token(settings.legistar)


def nightly(max_parallel: MaxParallel = 2, chapterer: Chapterer = "auto") -> None:
    """Discover new hearings on Legistar and process every new or unfinished one."""
    settings = load_settings_or_fail()
    _require_legistar_token(settings)
    open_database(settings)
    use_prefect_server()
    from flows.nightly import nightly as nightly_flow

    print_summary(nightly_flow(max_parallel=max_parallel, chapterer=chapterer))


def backfill(
    sources: Annotated[list[str] | None, typer.Argument(help="video URLs or media files")] = None,
    event_ids: Annotated[list[int] | None, typer.Option("--event", help="event id")] = None,
    since: Annotated[datetime | None, typer.Option(formats=DATE_FORMATS, help="from")] = None,
    until: Annotated[datetime | None, typer.Option(formats=DATE_FORMATS, help="to")] = None,
    from_stage: FromStage = None,
    chapterer: Chapterer = "auto",
    max_parallel: MaxParallel = 2,
) -> None:
    """Process past hearings: by event id, URL, file, or the dates they were held."""
    if not (sources or event_ids or since):
        fail("give URLs or files, --event ID, or --since DATE")
    refuse_non_media(sources or [])
    settings = load_settings_or_fail()
    if since:
        _require_legistar_token(settings)
    open_database(settings)
    use_prefect_server()
    from flows.backfill import backfill as backfill_flow

    print_summary(
        backfill_flow(
            event_ids=event_ids or [],
            sources=sources or [],
            since=as_date(since),
            until=as_date(until),
            from_stage=from_stage,
            chapterer=chapterer,
            max_parallel=max_parallel,
        )
    )


def status(
    limit: Annotated[int, typer.Option(min=1, help="how many of the newest hearings")] = 30,
) -> None:
    """A table of hearings × stages: what ran, how long it took, what it cost."""
    factory = open_database(load_settings_or_fail())
    table = Table(
        title="stages: ✓ ran (seconds)  – skipped  ✗ failed  … running", box=box.SIMPLE_HEAD
    )
    table.add_column("hearing", overflow="fold", ratio=2)
    table.add_column("stages", ratio=3)
    table.add_column("cost $", justify="right", no_wrap=True)
    with factory() as session:
        hearings = session.scalars(select(Hearing).order_by(Hearing.id.desc()).limit(limit))
        running = live_claims(session)
        for hearing in hearings:
            runs = latest_stage_runs(session, hearing.id)
            alive = hearing.slug in running
            stages = "  ".join(_stage_cell(stage, runs.get(stage.value), alive) for stage in Stage)
            table.add_row(_hearing_cell(hearing, alive), stages, _cost_cell(hearing.stage_runs))
    console.print(table)


def _cost_cell(runs: list[StageRun]) -> str:
    known = [run.cost_usd for run in runs if run.cost_usd is not None]
    if len(known) < len(runs):
        return "unknown"  # a model without a price: any sum would be a guess
    return f"{sum(known):.4f}"


def _hearing_cell(hearing: Hearing, alive: bool) -> str:
    state = " ".join(filter(None, [hearing.status, hearing.status_reason]))
    if hearing.status == HearingStatus.PROCESSING and not alive:
        was = f" (stopped {hearing.status_reason})" if hearing.status_reason else ""
        state = f"interrupted{was}: no process runs it now; ingest it again to resume"
    error = f"\n[red]{shown(hearing.error)}[/]" if hearing.error else ""
    return f"{shown(hearing.slug)}\n[bold]{shown(state)}[/]{error}"


def _stage_cell(stage: Stage, run: StageRun | None, alive: bool) -> str:
    if run is None:
        return f"[dim]{stage.value}[/]"
    mark = STATUS_MARKS.get(run.status, "[yellow]…[/]" if alive else "[red]✗[/]")
    seconds = run.duration_seconds
    figure = f"{seconds:.1f}" if run.status != "skipped" and seconds is not None else ""
    return f"{stage.value} {mark}{figure}"
