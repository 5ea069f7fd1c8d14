"""The roster in the database: idempotent upserts and who could speak at a hearing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from flows.roster import roster_for, roster_on
from models import Hearing, Membership
from models.db import transaction
from pipeline.roster import Priority, RosterMember
from pipeline.sources.bundled_roster import load_bundled_roster
from pipeline.sources.legistar import LegistarClient
from pipeline.sources.roster_records import roster_records
from pipeline.store.roster import RosterError, RosterSyncReport, upsert_roster

COUNCIL_SEATS = 51


def load_bundled(factory: sessionmaker[Session]) -> RosterSyncReport:
    roster = load_bundled_roster()
    with transaction(factory) as session:
        return upsert_roster(session, roster.records())


def names(members: list[RosterMember], priority: Priority) -> list[str]:
    return [member.name for member in members if member.priority == priority]


def test_loading_the_roster_twice_changes_nothing(session_factory: sessionmaker[Session]) -> None:
    first = load_bundled(session_factory)
    assert first.added > 2000 and first.persons == 59
    with session_factory() as session:
        memberships = session.scalar(select(func.count()).select_from(Membership))
    second = load_bundled(session_factory)
    assert (second.added, second.changed) == (0, 0)
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Membership)) == memberships


def test_committee_roster_orders_chair_members_council_then_officers(
    session_factory: sessionmaker[Session],
) -> None:
    load_bundled(session_factory)
    with session_factory() as session:
        members = roster_on(session, date(2024, 10, 10), ["committee on finance"])
    assert [m.priority for m in members] == sorted(m.priority for m in members)
    assert members[0].model_dump(include={"name", "title", "body", "district", "borough"}) == {
        "name": "Justin L. Brannan",
        "title": "Chair",
        "body": "Committee on Finance",
        "district": 47,
        "borough": "Brooklyn",
    }
    assert len(names(members, Priority.COMMITTEE_MEMBER)) == 16
    assert [(m.name, m.title) for m in members[-2:]] == [
        ("Adrienne E. Adams", "Speaker"),
        ("Jumaane Williams", "Public Advocate"),
    ]
    person_ids = [m.person_id for m in members]
    assert len(person_ids) == len(set(person_ids)) == COUNCIL_SEATS + 1  # + Public Advocate


def test_roster_for_a_joint_hearing_puts_both_chairs_first(
    session_factory: sessionmaker[Session],
) -> None:
    load_bundled(session_factory)
    with transaction(session_factory) as session:
        hearing = Hearing(
            slug="2024-10-30-1000-am-committee-on-aging",
            title="Committee on Aging",
            body_name="Committee on Aging",
            scheduled_at=datetime(2024, 10, 30, 14, 0, tzinfo=UTC),
            details={"joint_with": ["Committee on Public Safety"]},
        )
        session.add(hearing)
    with session_factory() as session:
        members = roster_for(session, hearing.id)
    assert sorted(names(members, Priority.CHAIR)) == ["Crystal Hudson", "Yusef Salaam"]


def test_unknown_bodies_and_an_empty_roster_are_explained(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session, pytest.raises(RosterError, match="roster sync"):
        roster_on(session, date(2024, 10, 10), ["Committee on Finance"])
    load_bundled(session_factory)
    with session_factory() as session, pytest.raises(RosterError) as raised:
        roster_on(session, date(2024, 10, 10), ["Finance Committee"])
    assert "closest: Committee on Finance" in str(raised.value)
    with session_factory() as session, pytest.raises(RosterError, match="no hearing with id"):
        roster_for(session, 12345)


def test_roster_from_the_legistar_api(
    session_factory: sessionmaker[Session], legistar_client: LegistarClient
) -> None:
    places = load_bundled_roster().places
    with transaction(session_factory) as session:
        records = roster_records(
            legistar_client.bodies(),
            legistar_client.persons(),
            legistar_client.office_records(active_since=date(2024, 1, 1)),
            places,
        )
        report = upsert_roster(session, records)
    assert report.memberships == 549
    with session_factory() as session:
        members = roster_on(session, date(2024, 10, 22), ["Subcommittee on Zoning and Franchises"])
    chair = members[0]
    assert (chair.title, chair.priority) == ("Chair", Priority.CHAIR)
    assert chair.district is not None
