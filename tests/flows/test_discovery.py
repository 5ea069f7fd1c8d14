"""discover(): Legistar events into Hearing rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from flows.discovery import discover
from models import Hearing, HearingStatus, SyncState
from models.db import transaction
from pipeline.sources.discovery import DiscoveryError
from pipeline.sources.legistar import LegistarClient, LegistarError
from pipeline.sources.legistar_records import LegistarRecordError
from pipeline.sources.viebit import VIEBIT_MEDIA_BASE, resolve_viebit
from pipeline.store.hearings import DISCOVERY_MARK, DiscoveryReport
from tests.support.legistar_server import Fault, LegistarServer

ZONING_EVENT = 21105  # Subcommittee on Zoning and Franchises, 2024-10-22 9:30 AM, with video
ZONING_SLUG = "2024-10-22-0930-am-subcommittee-on-zoning-and-franchises"
ZONING_VIDEO = "NYCC-PV-CH-CHA_241022-093744.mp4"


def run(
    factory: sessionmaker[Session],
    client: LegistarClient,
    pages: httpx.Client,
    since: date | None = date(2024, 10, 1),
    until: date | None = date(2024, 10, 31),
) -> DiscoveryReport:
    return discover(factory, client, since, until, partial(resolve_viebit, client=pages))


def snapshot(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with factory() as session:
        hearings = [
            (
                h.slug,
                h.legistar_event_id,
                h.body_id,
                h.title,
                h.scheduled_at,
                h.video_url,
                h.captions_url,
                h.status,
                h.status_reason,
                h.details,
                h.updated_at,
            )
            for h in session.scalars(select(Hearing).order_by(Hearing.id))
        ]
        marks = [(s.key, s.value, s.updated_at) for s in session.scalars(select(SyncState))]
    return [*hearings, *marks]


def stored(factory: sessionmaker[Session], event_id: int) -> Hearing:
    with factory() as session:
        hearing = session.scalar(select(Hearing).where(Hearing.legistar_event_id == event_id))
        assert hearing is not None
        return hearing


def test_running_discovery_twice_changes_nothing(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    legistar_server: LegistarServer,
    page_client: httpx.Client,
) -> None:
    first = run(session_factory, legistar_client, page_client)
    assert (first.events_checked, len(first.new), first.updated) == (63, 63, [])
    before = snapshot(session_factory)
    agenda_requests = legistar_server.state.count("EventItems")
    second = run(session_factory, legistar_client, page_client)
    assert (second.new, second.updated) == ([], [])
    assert second.ready == first.ready
    assert snapshot(session_factory) == before
    assert legistar_server.state.count("EventItems") == agenda_requests  # unchanged: not refetched


def test_what_a_discovered_hearing_holds(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    page_client: httpx.Client,
) -> None:
    report = run(session_factory, legistar_client, page_client)
    zoning = stored(session_factory, ZONING_EVENT)
    assert zoning.slug == ZONING_SLUG
    assert zoning.status == HearingStatus.DISCOVERED
    assert zoning.scheduled_at == datetime(2024, 10, 22, 13, 30, tzinfo=UTC)
    assert zoning.video_url.startswith(VIEBIT_MEDIA_BASE)
    assert zoning.video_url.endswith("/" + ZONING_VIDEO)
    assert zoning.captions_url == zoning.video_url.removesuffix(".mp4") + ".vtt"
    assert {item["matter_file"] for item in zoning.details["agenda"]} == {"LU 0181-2024", None}
    finance = stored(session_factory, 21118)
    votes = [call for item in finance.details["agenda"] for call in item["roll_call"]]
    assert any(call["name"] == "Justin L. Brannan" for call in votes)
    assert ZONING_SLUG in [hearing.slug for hearing in report.ready]
    assert len(report.ready) == 63 - len(report.skipped) - len(report.waiting_for_video)


def test_cancelled_and_videoless_events_are_kept_with_a_reason(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    page_client: httpx.Client,
) -> None:
    report = run(session_factory, legistar_client, page_client)
    deferred = stored(session_factory, 21137)
    assert (deferred.status, deferred.status_reason) == ("skipped", "agenda status is Deferred")
    placeholder = stored(session_factory, 20966)  # a second "City Council" row with no video
    assert placeholder.status == HearingStatus.WAITING_FOR_VIDEO
    assert placeholder.slug == "2024-10-10-0130-pm-city-council-20966"
    assert stored(session_factory, 21153).slug == "2024-10-10-0130-pm-city-council"
    assert placeholder.slug in report.waiting_for_video
    assert report.skipped[deferred.slug] == "agenda status is Deferred"


def test_the_nightly_run_rechecks_hearings_waiting_for_video(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    legistar_server: LegistarServer,
    page_client: httpx.Client,
) -> None:
    legistar_server.state.pages_without_player.add(ZONING_VIDEO)
    run(session_factory, legistar_client, page_client)
    waiting = stored(session_factory, ZONING_EVENT)
    assert waiting.status == HearingStatus.WAITING_FOR_VIDEO
    assert "video not up yet" in (waiting.status_reason or "")
    with session_factory() as session:
        mark = session.get(SyncState, DISCOVERY_MARK)
        assert mark is not None and mark.value.startswith("2025-")

    legistar_server.state.pages_without_player.clear()
    nightly = discover(
        session_factory,
        legistar_client,
        None,
        None,
        partial(resolve_viebit, client=page_client),
        recheck_window=datetime.now(UTC) - datetime(2024, 10, 1, tzinfo=UTC),
    )
    a_day_before_mark = (datetime.fromisoformat(mark.value) - timedelta(days=1)).isoformat()
    assert legistar_server.state.count(
        "EventLastModifiedUtc+gt+datetime%27" + a_day_before_mark[:16].replace(":", "%3A")
    )
    ready = stored(session_factory, ZONING_EVENT)
    assert (ready.status, ready.status_reason) == (HearingStatus.DISCOVERED, None)
    assert ZONING_SLUG in nightly.updated
    assert ZONING_SLUG in [hearing.slug for hearing in nightly.ready]


def test_the_nightly_run_needs_a_first_discovery(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    page_client: httpx.Client,
) -> None:
    with pytest.raises(DiscoveryError, match="--since"):
        run(session_factory, legistar_client, page_client, since=None)


def test_bad_answers_leave_stored_hearings_untouched(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    legistar_server: LegistarServer,
    page_client: httpx.Client,
) -> None:
    run(session_factory, legistar_client, page_client)
    before = snapshot(session_factory)
    legistar_server.state.fail_next("Events", Fault(body=b'[{"EventId": 21105, "Even'))
    with pytest.raises(LegistarError, match="malformed JSON"):
        run(session_factory, legistar_client, page_client)
    event = legistar_server.state.event(ZONING_EVENT)
    event["EventLastModifiedUtc"] = "2026-01-01T00:00:00"  # changed: its agenda is refetched
    del event["EventItems"][0]["EventItemId"]
    with pytest.raises(LegistarRecordError, match=r"eventitem \(no EventItemId\)"):
        run(session_factory, legistar_client, page_client)
    event["EventTime"] = None
    del event["EventBodyId"]
    with pytest.raises(LegistarRecordError, match="event EventId=21105 is malformed: EventBodyId"):
        run(session_factory, legistar_client, page_client)
    assert snapshot(session_factory) == before


def test_discovery_leaves_a_hearing_in_progress_alone(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    page_client: httpx.Client,
) -> None:
    run(session_factory, legistar_client, page_client)
    with transaction(session_factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == ZONING_SLUG))
        assert hearing is not None
        hearing.status = HearingStatus.PROCESSING
    report = run(session_factory, legistar_client, page_client)
    assert stored(session_factory, ZONING_EVENT).status == HearingStatus.PROCESSING
    assert ZONING_SLUG not in [hearing.slug for hearing in report.ready]
