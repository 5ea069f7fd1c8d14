"""A video ingested by hand before discovery found its event keeps its folder."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Hearing
from models.db import transaction
from pipeline.sources.legistar import LegistarClient
from pipeline.sources.manual import manual_hearing
from pipeline.store.processing import ensure_manual_hearing
from tests.flows.test_discovery import ZONING_EVENT, ZONING_VIDEO, run, stored
from tests.support.legistar_server import LegistarServer


def test_discovery_adopts_the_hearing_made_by_hand_from_its_video(
    session_factory: sessionmaker[Session],
    legistar_client: LegistarClient,
    legistar_server: LegistarServer,
    page_client: httpx.Client,
) -> None:
    page = legistar_server.page_url(ZONING_VIDEO)  # the event's video page, as Legistar links it
    with transaction(session_factory) as session:
        manual = ensure_manual_hearing(session, manual_hearing(page))
    assert manual.slug == "2024-10-22-0937-am-nycc-pv-ch-cha"  # date and time of the recording

    report = run(session_factory, legistar_client, page_client)

    zoning = stored(session_factory, ZONING_EVENT)
    assert (zoning.id, zoning.slug) == (manual.id, manual.slug)  # one hearing, one folder
    assert zoning.body_name == "Subcommittee on Zoning and Franchises"
    assert zoning.slug in report.updated
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Hearing)) == 63
