"""`hearings transcribe URL|FILE`: one source to `lines.json`, in this process, with bars.

The same hearing, folder, claim, roster and StageRun rows as `hearings ingest` (one line of
stages, `flows.process_hearing.hearing_line`), only without Prefect and stopping after the
attribute stage (or `--until`). The media stages (torch, faster-whisper, pyannote) and the
flows are imported inside the command so that `hearings --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from logging import getLogger
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from sqlalchemy.orm import Session, sessionmaker

from models.db import transaction
from pipeline.cli.common import console, error_console, fail, load_settings_or_fail, open_database
from pipeline.config import Settings
from pipeline.progress import NO_PROGRESS, StageProgress
from pipeline.stages import HearingContext, Outcome, Stage, StageDeclaration

if TYPE_CHECKING:
    from flows.hearing_run import Line

TRANSCRIBE_STAGES = Stage.ATTRIBUTE.up_to()
MODEL_STAGES = (Stage.TRANSCRIBE, Stage.DIARIZE)
BAR_LABELS = {Stage.TRANSCRIBE: "transcribing", Stage.DIARIZE: "diarizing"}


@contextmanager
def download_progress() -> Iterator[Callable[[int, int | None], None]]:
    columns = (*Progress.get_default_columns()[:1], BarColumn(), DownloadColumn())
    with Progress(*columns, TransferSpeedColumn(), console=error_console, transient=True) as bar:
        task = bar.add_task("download", total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def fraction_progress(label: str) -> Iterator[Callable[[float], None]]:
    """A bar for a long model stage, fed with the fraction done."""
    columns = (*Progress.get_default_columns()[:1], BarColumn(), TaskProgressColumn())
    with Progress(*columns, TimeElapsedColumn(), console=error_console, transient=True) as bar:
        task = bar.add_task(label, total=1.0)

        def update(fraction: float) -> None:
            bar.update(task, completed=fraction)

        yield update


class BarProgress(StageProgress):
    """Feeds one Rich bar: with bytes for a download, with fractions for a model stage."""

    def __init__(self, update: Callable[..., None]) -> None:
        self.update = update

    def fraction(self, done: float) -> None:
        self.update(done)

    def transferred(self, done: int, total: int | None) -> None:
        self.update(done, total)


@contextmanager
def stage_bar(stage: Stage) -> Iterator[StageProgress]:
    """The bar a stage shows while it runs: a download, or the fraction decoded."""
    if stage is Stage.ACQUIRE:
        with download_progress() as update:
            yield BarProgress(update)
    elif stage in BAR_LABELS:
        with fraction_progress(BAR_LABELS[stage]) as update:
            yield BarProgress(update)
    else:
        yield NO_PROGRESS


def _report(outcome: Outcome) -> None:
    if outcome.unavailable:
        state = "[yellow]unavailable[/]"
    else:
        state = "[dim]fresh, skipped[/]" if outcome.skipped else f"{outcome.seconds:.1f} s"
    note = outcome.unavailable or outcome.summary
    console.print(f"  {outcome.stage.value:<10} {escape(note)} ({state})")


def _terminal_line(factory: sessionmaker[Session], context: HearingContext, until: Stage) -> Line:
    """A line whose stages run in this process, each with its bar and its StageRun row."""
    from flows.hearing_run import Line, record_not_needed, record_stage

    def execute(declaration: StageDeclaration[Any], params: Mapping[str, Any], force: bool):
        with stage_bar(declaration.name) as progress:
            outcome = record_stage(
                factory, context, declaration, params=params, force=force,
                progress=progress, flow_run_id=None, log=getLogger("hearings.transcribe"),
            )  # fmt: skip
        _report(outcome)
        return outcome

    def not_needed(stage: Stage, reason: str) -> Outcome:
        outcome = record_not_needed(factory, context.slug, stage, reason, None)
        _report(outcome)
        return outcome

    def say(message: str) -> None:
        error_console.print(f"[yellow]warning:[/] {escape(message)}")

    return Line(execute, not_needed, say, until=until)


def _model_seconds(outcomes: list[Outcome]) -> float:
    """Seconds spent transcribing and diarizing (not skipped)."""
    return sum(o.seconds for o in outcomes if o.stage in MODEL_STAGES and not o.skipped)


def _summary(context: HearingContext, model_seconds: float) -> None:
    from pipeline.artifacts import ArtifactError
    from pipeline.schemas import Lines, SourceInfo

    store, slug = context.store, context.slug
    source = store.read(slug, "source", SourceInfo)
    table = Table(title=f"{slug}", show_header=False)
    duration = source.duration_seconds or 0.0
    table.add_row("folder", str(store.hearing_dir(slug)))
    table.add_row("duration", f"{duration / 60:.1f} min")
    try:
        lines = store.read(slug, "lines", Lines).lines
        table.add_row("speakers", str(len({line.speaker_label for line in lines})))
        table.add_row("lines", str(len(lines)))
    except ArtifactError:
        pass
    if model_seconds and duration:
        table.add_row("real-time factor", f"{model_seconds / duration:.3f} (transcribe + diarize)")
    console.print(table)


def _hearing_slug(settings: Settings, source: str, slug: str | None) -> str:
    """The hearing of `source` (the same one `ingest` and discovery use), made on first use;
    `slug` names a new one, and may not be another source's."""
    from pipeline.acquire import check_source
    from pipeline.sources.manual import SlugTaken, manual_hearing
    from pipeline.store.processing import ensure_manual_hearing

    check_source(source)
    manual = manual_hearing(source, slug=slug)
    with transaction(open_database(settings, create_local=True)) as session:
        hearing = ensure_manual_hearing(session, manual)
        if slug and hearing.slug == slug and hearing.video_url != manual.video_url:
            raise SlugTaken(f"the slug {slug!r} is taken by another hearing: choose another")
        return hearing.slug


def transcribe(
    source: Annotated[
        str, typer.Argument(help="http(s) URL (Viebit page, media, video site) or file")
    ],
    until: Annotated[
        Stage, typer.Option(help="stop after this stage (acquire … attribute)")
    ] = Stage.ATTRIBUTE,
    captions: Annotated[
        bool, typer.Option("--captions", help="lines from the source's captions, no models")
    ] = False,
    slug: Annotated[
        str | None, typer.Option(help="folder name of a new hearing; default: from the source")
    ] = None,
) -> None:
    """Download, decode, transcribe, diarize and attribute one hearing into lines.json."""
    from flows.process_hearing import claim, run_line

    settings = load_settings_or_fail()
    if until not in TRANSCRIBE_STAGES:
        fail(f"--until {until.value}: transcribe stops at attribute at the latest; "
             "`hearings ingest` runs the later stages")  # fmt: skip
    context = HearingContext.for_slug(_hearing_slug(settings, source, slug), settings)
    console.print(f"[bold]{context.slug}[/] from {source}")
    lock = claim(settings, context.slug, wait_seconds=0)
    try:
        line = _terminal_line(open_database(settings), context, until)
        outcomes = run_line(line, context, lock, "auto", models=not captions)
    finally:
        lock.release()
    _summary(context, _model_seconds(outcomes))
