"""Discovery: Legistar events in, Hearing rows upserted, the hearings ready to process out.

Orchestration only: storage (`pipeline/store/hearings.py`) says what is known and writes;
the sources (`pipeline/sources/`) fetch. Everything that needs the network (events, agendas,
roll calls, video pages) is fetched first; only then are rows written, in one transaction,
so a bad record or a failed request leaves the stored hearings as they were. No Prefect here:
`hearings discover` runs it directly, the nightly and backfill flows in a task.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from models.db import transaction
from pipeline.config import Settings
from pipeline.http import http_client
from pipeline.sources.discovery import EventSource, VideoResolver, fetch_events, prepare_hearings
from pipeline.sources.legistar import LegistarClient, require_token
from pipeline.sources.viebit import VIEBIT_MEDIA_BASE, resolve_viebit
from pipeline.store.hearings import (
    DiscoveryReport,
    known_events,
    oldest_waiting_date,
    read_mark,
    ready_hearings,
    write_discovered,
)

# Older hearings still without video are re-read only when Legistar reports a change.
RECHECK_WINDOW = timedelta(days=30)
# Incremental runs re-read events changed shortly before the mark: an edit Legistar records
# late (or a clock skew) is not missed, and re-reading is harmless since upserts are idempotent.
MARK_OVERLAP = timedelta(days=1)


def discover(
    factory: sessionmaker[Session],
    source: EventSource,
    since: date | None,
    until: date | None,
    resolve_video: VideoResolver,
    recheck_window: timedelta = RECHECK_WINDOW,
    overlap: timedelta = MARK_OVERLAP,
) -> DiscoveryReport:
    """Upsert the hearings of `since`..`until`, or, with no `since`, of events changed since
    the last discovery (less `overlap`) plus those of the last `recheck_window` still waiting
    for video."""
    with factory() as session:
        known = known_events(session)
        mark = read_mark(session)
        waiting_from = oldest_waiting_date(session, datetime.now(UTC) - recheck_window)
    events = fetch_events(source, since, until, mark, waiting_from, overlap)
    prepared = prepare_hearings(events, known, source, resolve_video)
    with transaction(factory) as session:
        report = write_discovered(session, prepared, mark)
    with factory() as session:
        report.ready = ready_hearings(session)
    return report


def discover_on_legistar(
    settings: Settings,
    factory: sessionmaker[Session],
    since: date | None,
    until: date | None,
    *,
    viebit_media_base: str = VIEBIT_MEDIA_BASE,
    overlap: timedelta = MARK_OVERLAP,
) -> DiscoveryReport:
    """`discover` against the configured Legistar API, video pages read with the same
    client settings; stops at once, in one line, when no token is configured."""
    require_token(settings.legistar)
    with (
        http_client(settings.network, read_timeout=settings.legistar.timeout_seconds) as pages,
        LegistarClient(settings.legistar, network=settings.network) as client,
    ):
        return discover(
            factory,
            client,
            since,
            until,
            lambda page: resolve_viebit(page, pages, viebit_media_base),
            overlap=overlap,
        )
