"""`nightly`: discover new hearings on Legistar, then process every new or unfinished one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.batch import BatchSummary, process_many, unfinished_slugs
from flows.discovery import discover_on_legistar
from flows.runtime import run_log, session_factory
from models import SyncState
from pipeline.chapters.step import ChaptererChoice
from pipeline.config import Settings, get_settings
from pipeline.sources.legistar import require_token
from pipeline.sources.viebit import VIEBIT_MEDIA_BASE
from pipeline.store.hearings import DISCOVERY_MARK, DiscoveryReport

MAX_THREADS = 8


def _first_since(settings: Settings, overlap_days: int) -> date | None:
    """None once a discovery is recorded (discovery resumes from its mark), else a start."""
    with session_factory(settings)() as session:
        if session.get(SyncState, DISCOVERY_MARK) is not None:
            return None
    return datetime.now(UTC).date() - timedelta(days=overlap_days)


@task(name="discover", cache_policy=NO_CACHE)  # the Legistar client retries, not Prefect
def discover_task(
    settings: Settings,
    since: date | None,
    until: date | None,
    viebit_media_base: str,
    overlap_days: int = 1,
) -> DiscoveryReport:
    report = discover_on_legistar(
        settings,
        session_factory(settings),
        since,
        until,
        viebit_media_base=viebit_media_base,
        overlap=timedelta(days=overlap_days),
    )
    run_log().info(
        "discovery: %d events checked, %d new, %d ready",
        report.events_checked,
        len(report.new),
        len(report.ready),
    )
    return report


@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=MAX_THREADS))
def nightly(
    since: date | None = None,
    max_parallel: int = 2,
    overlap_days: int = 1,
    chapterer: ChaptererChoice = "auto",
    viebit_media_base: str = VIEBIT_MEDIA_BASE,
    process_deployment: str | None = None,
) -> BatchSummary:
    """Discover since the last discovery, then process new and unfinished hearings.

    `since` overrides where discovery starts; by default it resumes from the last
    discovery's mark less `overlap_days`, or starts `overlap_days` ago on the very first run.
    With `process_deployment` each hearing runs as a flow run of that deployment (on the
    GPU pool's workers); without it, as a subflow in this process.
    """
    settings = get_settings()  # the flow is where settings enter; tasks are given them
    require_token(settings.legistar)  # before anything: the same line as `discover`
    report = discover_task(
        settings, since or _first_since(settings, overlap_days), None, viebit_media_base,
        overlap_days,
    )  # fmt: skip
    slugs = list(dict.fromkeys([*(h.slug for h in report.ready), *unfinished_slugs(settings)]))
    reports = process_many(
        slugs,
        max_parallel=min(max_parallel, MAX_THREADS),
        chapterer=chapterer,
        deployment=process_deployment,
    )
    summary = BatchSummary(reports, report.waiting_for_video, report.skipped)
    run_log().info("nightly: %s", summary.describe())
    return summary
