"""A hearing whose committee is on the roster gets `roster.json` for its stages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from flows.process_hearing import process_hearing
from models import Hearing
from models.db import transaction
from pipeline.artifacts import ArtifactStore
from pipeline.roster import ROSTER_ARTIFACT, Priority, Roster
from pipeline.sources.bundled_roster import load_bundled_roster
from pipeline.store.roster import upsert_roster

pytestmark = pytest.mark.usefixtures("prefect_api_url")
LANDMARKS = "Subcommittee on Landmarks, Public Sitings and Dispositions"


def test_roster_of_the_hearing_date_and_committee_is_written(settings, factory, sample_slug):
    bundled = load_bundled_roster()
    with transaction(factory) as session:
        upsert_roster(session, bundled.records())
        hearing = session.scalar(select(Hearing).where(Hearing.slug == sample_slug))
        hearing.body_name = LANDMARKS
        hearing.scheduled_at = datetime(2024, 10, 1, 14, 0, tzinfo=UTC)
        hearing.details = {
            "agenda": [
                {"title": "LU 0123-2024", "matter_name": "Bay Ridge Historic District"},
                {"title": "Roll call", "matter_name": None},
                {"title": None, "matter_name": None},
            ]
        }

    assert process_hearing(sample_slug).status == "draft"

    store = ArtifactStore(settings.hearings_dir)
    roster = store.read(sample_slug, ROSTER_ARTIFACT, Roster)
    chair = roster.members[0]
    assert (chair.priority, chair.body) == (Priority.CHAIR, LANDMARKS)
    assert len({member.person_id for member in roster.members}) == len(roster.members) > 40
    assert roster.committee_names()[0] == chair.name
    assert chair.name not in roster.other_names()
    assert roster.agenda == ["Bay Ridge Historic District", "Roll call"]  # for speaker naming


def test_without_a_roster_the_hearing_still_processes(settings, factory, sample_slug, caplog):
    assert process_hearing(sample_slug).status == "draft"
    assert not ArtifactStore(settings.hearings_dir).path(sample_slug, ROSTER_ARTIFACT).exists()
    assert any("no roster" in record.getMessage() for record in caplog.records)
