"""A changed option re-runs exactly its stage and the ones after it; a roster sync re-runs
what reads the roster, never what came before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from flows.process_hearing import process_hearing
from models import Hearing, Person
from models.db import transaction
from pipeline import sentences
from pipeline.artifacts import ArtifactStore
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.sources.bundled_roster import load_bundled_roster
from pipeline.stages import Stage
from pipeline.store.roster import upsert_roster

pytestmark = pytest.mark.usefixtures("prefect_api_url")
LANDMARKS = "Subcommittee on Landmarks, Public Sitings and Dispositions"


def ran(report: object) -> list[Stage]:
    return [outcome.stage for outcome in report.stages if not outcome.skipped]  # type: ignore[attr-defined]


def test_a_changed_sentence_rule_reruns_lines_and_what_follows(
    factory, sample_slug, monkeypatch: pytest.MonkeyPatch
) -> None:
    process_hearing(sample_slug)
    assert ran(process_hearing(sample_slug)) == []

    monkeypatch.setattr(sentences, "LONG_PAUSE_SECONDS", 2.5)

    assert ran(process_hearing(sample_slug)) == [
        Stage.ATTRIBUTE, Stage.IDENTIFY, Stage.CHAPTER, Stage.STORE,
    ]  # fmt: skip


def test_a_roster_sync_makes_identify_and_later_stale(settings, factory, sample_slug) -> None:
    bundled = load_bundled_roster()
    with transaction(factory) as session:
        upsert_roster(session, bundled.records())
        hearing = session.scalar(select(Hearing).where(Hearing.slug == sample_slug))
        hearing.body_name = LANDMARKS
        hearing.scheduled_at = datetime(2024, 10, 1, 14, 0, tzinfo=UTC)
    first = process_hearing(sample_slug)
    assert Stage.ROSTER in ran(first)
    store = ArtifactStore(settings.hearings_dir)
    chair = store.read(sample_slug, ROSTER_ARTIFACT, Roster).members[0]

    with transaction(factory) as session:  # the next sync brings a corrected name
        person = session.get(Person, chair.person_id)
        person.full_name = f"{person.full_name} Jr."

    again = ran(process_hearing(sample_slug))

    assert again[0] == Stage.ROSTER and again[-3:] == [Stage.IDENTIFY, Stage.CHAPTER, Stage.STORE]
    assert not {Stage.ACQUIRE, Stage.AUDIO, Stage.TRANSCRIBE, Stage.DIARIZE} & set(again)
    assert store.read(sample_slug, ROSTER_ARTIFACT, Roster).members[0].name.endswith(" Jr.")
