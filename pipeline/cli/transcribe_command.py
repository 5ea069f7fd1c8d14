"""`hearings transcribe URL|FILE`: one source to `lines.json`, before any flow exists.

The media stages (torch, faster-whisper, pyannote) are imported inside the command so
that `hearings --help` stays fast.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, urlsplit

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from pipeline.artifacts import slugify
from pipeline.cli.common import console, error_console, load_settings_or_fail
from pipeline.stages import HearingContext, StageResult

SOURCE_NAME_LENGTH = 80


class UntilStage(StrEnum):
    ACQUIRE = "acquire"
    AUDIO = "audio"
    TRANSCRIBE = "transcribe"
    DIARIZE = "diarize"
    ATTRIBUTE = "attribute"


ORDER = list(UntilStage)


def slug_for(source: str) -> str:
    """A folder name from the source: the Viebit file name, URL path or file name."""
    parts = urlsplit(source)
    name = parse_qs(parts.query).get("v", [""])[0] or Path(parts.path).name or parts.netloc
    return slugify(Path(name).stem, SOURCE_NAME_LENGTH)


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


def _report(result: StageResult, seconds: float) -> None:
    state = "[dim]fresh, skipped[/]" if result.skipped else f"{seconds:.1f} s"
    console.print(f"  {result.stage.value:<10} {result.summary} ({state})")


def _media_steps(context: HearingContext, source: str, until: UntilStage, captions: bool) -> float:
    """Run the steps in order; returns seconds spent transcribing and diarizing (not skipped)."""
    from pipeline import media_steps as steps
    from pipeline.asr import AsrModelUnavailable
    from pipeline.diarization import DiarizationUnavailable

    timed: dict[str, float] = {}

    def run(name: str, step: Callable[[], StageResult]) -> None:
        started = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - started
        if not result.skipped:
            timed[name] = seconds
        _report(result, seconds)

    with download_progress() as progress:
        run("acquire", lambda: steps.run_acquire(context, source, progress=progress))
    if captions:
        run("captions", lambda: steps.run_captions(context))
        return 0.0
    wanted = ORDER[: ORDER.index(until) + 1]
    if UntilStage.AUDIO in wanted:
        run("audio", lambda: steps.run_audio(context))
    try:
        if UntilStage.TRANSCRIBE in wanted:
            with fraction_progress("transcribing") as progress:
                run("transcribe", lambda: steps.run_transcribe(context, progress=progress))
    except AsrModelUnavailable as error:
        error_console.print(f"[yellow]warning:[/] {error}; using the captions instead")
        run("captions", lambda: steps.run_captions(context))
        return 0.0
    try:
        if UntilStage.DIARIZE in wanted:
            with fraction_progress("diarizing") as progress:
                run("diarize", lambda: steps.run_diarize(context, progress=progress))
    except DiarizationUnavailable as error:
        error_console.print(
            f"[yellow]warning:[/] {error}; speakers come from the captions' '>>' marks "
            "(one speaker without captions)"
        )
    if UntilStage.ATTRIBUTE in wanted:
        run("attribute", lambda: steps.run_attribute(context))
    return timed.get("transcribe", 0.0) + timed.get("diarize", 0.0)


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


def transcribe(
    source: Annotated[
        str, typer.Argument(help="http(s) URL (Viebit page, media, video site) or file")
    ],
    until: Annotated[UntilStage, typer.Option(help="stop after this stage")] = UntilStage.ATTRIBUTE,
    captions: Annotated[
        bool, typer.Option("--captions", help="lines from the source's captions, no models")
    ] = False,
    slug: Annotated[str | None, typer.Option(help="folder name; default: from the source")] = None,
) -> None:
    """Download, decode, transcribe, diarize and attribute one hearing into lines.json."""
    settings = load_settings_or_fail()
    context = HearingContext.for_slug(slug or slug_for(source), settings)
    console.print(f"[bold]{context.slug}[/] from {source}")
    model_seconds = _media_steps(context, source, until, captions)
    _summary(context, model_seconds)
