"""`backfill`: process given hearings — Legistar event ids, video URLs, local files or dates."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy import select

from flows.batch import BatchSummary, process_many
from flows.nightly import MAX_THREADS, discover_task
from flows.runtime import run_log, session_factory
from models import Hearing
from models.db import transaction
from pipeline.acquire import check_media_source
from pipeline.chapters.step import ChaptererChoice
from pipeline.config import Settings, get_settings
from pipeline.sources.events import NEW_YORK
from pipeline.sources.legistar import require_token
from pipeline.sources.manual import is_url, manual_hearing, normalize_source
from pipeline.sources.viebit import VIEBIT_MEDIA_BASE
from pipeline.stages import Stage
from pipeline.store.processing import ensure_manual_hearing, hearing_by_event


def _slugs_for_sources(settings: Settings, sources: list[str]) -> list[str]:
    for source in sources:  # a file that is not media is refused before any row is written
        if not is_url(source):
            check_media_source(normalize_source(source))
    with transaction(session_factory(settings)) as session:
        return [ensure_manual_hearing(session, manual_hearing(source)).slug for source in sources]


def _slugs_for_events(settings: Settings, event_ids: list[int]) -> list[str]:
    with session_factory(settings)() as session:
        return [hearing_by_event(session, event_id).slug for event_id in event_ids]


def _slugs_between(settings: Settings, since: date, until: date | None) -> list[str]:
    """Hearings held in the range that have a video, oldest first."""
    with session_factory(settings)() as session:
        rows = session.scalars(
            select(Hearing)
            .where(Hearing.legistar_event_id.is_not(None), Hearing.video_url.is_not(None))
            .order_by(Hearing.scheduled_at, Hearing.id)
        )
        held = {
            row.slug: row.scheduled_at.astimezone(NEW_YORK).date()
            for row in rows
            if row.scheduled_at
        }
    return [slug for slug, day in held.items() if since <= day and (until is None or day <= until)]


@flow(name="backfill", task_runner=ThreadPoolTaskRunner(max_workers=MAX_THREADS))
def backfill(
    event_ids: list[int] | None = None,
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    from_stage: Stage | None = None,
    chapterer: ChaptererChoice = "auto",
    max_parallel: int = 2,
    viebit_media_base: str = VIEBIT_MEDIA_BASE,
    process_deployment: str | None = None,
) -> BatchSummary:
    """Process the given hearings; `sources` are video URLs or local files.

    With `since`, hearings held from that date (to `until`) are discovered first.
    `from_stage` re-runs that stage and every later one even when their artifacts are fresh.
    With `process_deployment` each hearing runs as a flow run of that deployment.
    """
    settings = get_settings()  # the flow is where settings enter; tasks are given them
    if since is not None:
        require_token(settings.legistar)  # before anything: the same line as `discover`
    waiting: list[str] = []
    skipped: dict[str, str] = {}
    slugs = [
        *_slugs_for_events(settings, event_ids or []),
        *_slugs_for_sources(settings, sources or []),
    ]
    if since is not None:
        report = discover_task(settings, since, until, viebit_media_base)
        waiting, skipped = report.waiting_for_video, report.skipped
        slugs.extend(_slugs_between(settings, since, until))
    reports = process_many(
        list(dict.fromkeys(slugs)),
        max_parallel=min(max_parallel, MAX_THREADS),
        from_stage=from_stage,
        chapterer=chapterer,
        deployment=process_deployment,
    )
    summary = BatchSummary(reports, waiting, skipped)
    run_log().info("backfill: %s", summary.describe())
    return summary
