"""Bodies, people and memberships in the database: idempotent upserts, and the seats held
on a day (the roster's ranking is `pipeline.roster`'s, put together in `flows/roster.py`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from rapidfuzz import process
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from models import Body, Hearing, Membership, Person
from pipeline.errors import HearingsError
from pipeline.records import MembershipRecord, PersonRecord, RosterRecords, Seat


class RosterError(HearingsError, LookupError):
    """The roster cannot be built: unknown body or hearing, or no roster loaded yet."""


class RosterSyncReport(BaseModel):
    bodies: int
    persons: int
    memberships: int
    added: int
    changed: int


class ChangeCounter:
    def __init__(self) -> None:
        self.added = 0
        self.changed = 0

    def assign(self, row: object, values: dict[str, object]) -> None:
        """Set only what differs, so re-running a sync leaves rows (and updated_at) alone."""
        differs = {key: value for key, value in values.items() if getattr(row, key) != value}
        for key, value in differs.items():
            setattr(row, key, value)
        self.changed += bool(differs)


def upsert_body(
    session: Session,
    legistar_id: int,
    name: str,
    counter: ChangeCounter,
    body_type: str | None = None,
) -> Body:
    values: dict[str, object] = {"legistar_id": legistar_id, "name": name}
    if body_type is not None:  # events and office records do not say; only Bodies does
        values["body_type"] = body_type
    body = session.scalar(select(Body).where(Body.legistar_id == legistar_id))
    body = body or session.scalar(select(Body).where(Body.name == name))
    if body is None:
        body = Body(**values)
        session.add(body)
        counter.added += 1
    else:
        counter.assign(body, values)
    return body


def _upsert_person(session: Session, record: PersonRecord, counter: ChangeCounter) -> Person:
    values: dict[str, object] = {
        "full_name": record.full_name,
        "first_name": record.first_name,
        "last_name": record.last_name,
    }
    if record.place is not None:  # only the districts file knows districts, not Legistar
        values |= {"district": record.place.district, "borough": record.place.borough}
    person = session.scalar(select(Person).where(Person.legistar_id == record.legistar_id))
    if person is None:
        person = Person(legistar_id=record.legistar_id, **values)
        session.add(person)
        counter.added += 1
    else:
        counter.assign(person, values)
    return person


def upsert_roster(session: Session, records: RosterRecords) -> RosterSyncReport:
    """Bodies, people and their memberships; twice = no change."""
    counter = ChangeCounter()
    body_rows = {
        body.legistar_id: upsert_body(session, body.legistar_id, body.name, counter, body.body_type)
        for body in records.bodies
    }
    person_rows = {
        person.legistar_id: _upsert_person(session, person, counter) for person in records.persons
    }
    session.flush()
    memberships = _upsert_memberships(session, records.memberships, body_rows, person_rows, counter)
    return RosterSyncReport(
        bodies=len(body_rows),
        persons=len(person_rows),
        memberships=memberships,
        added=counter.added,
        changed=counter.changed,
    )


def _upsert_memberships(
    session: Session,
    records: list[MembershipRecord],
    body_rows: dict[int, Body],
    person_rows: dict[int, Person],
    counter: ChangeCounter,
) -> int:
    existing = {row.legistar_id: row for row in session.scalars(select(Membership))}
    natural_keys = {(r.person_id, r.body_id, r.title, r.start_date) for r in existing.values()}
    kept = 0
    for record in sorted(records, key=lambda r: r.legistar_id):
        values = {
            "person_id": person_rows[record.person_legistar_id].id,
            "body_id": body_rows[record.body_legistar_id].id,
            "title": record.title,
            "member_type": record.member_type,
            "start_date": record.start,
            "end_date": record.end,
        }
        row = existing.get(record.legistar_id)
        if row is not None:
            counter.assign(row, values)
            kept += 1
            continue
        key = (values["person_id"], values["body_id"], values["title"], values["start_date"])
        if key in natural_keys:  # Legistar sometimes repeats a seat under a second record id
            continue
        natural_keys.add(key)
        session.add(Membership(legistar_id=record.legistar_id, **values))
        counter.added += 1
        kept += 1
    return kept


def resolve_body_name(session: Session, name: str) -> str:
    """The stored body called `name` (any case), or an error suggesting the closest names."""
    names = list(session.scalars(select(Body.name)))
    if not names:
        raise RosterError("no roster in the database yet: run `hearings roster sync` first")
    for known in names:
        if known.lower() == name.strip().lower():
            return known
    close = [match for match, _score, _ in process.extract(name, names, limit=3)]
    raise RosterError(f"no body named {name!r}; closest: {', '.join(close)}")


def seats_on(session: Session, on: date) -> list[Seat]:
    query = (
        select(Membership)
        .options(joinedload(Membership.person), joinedload(Membership.body))
        .where(or_(Membership.start_date.is_(None), Membership.start_date <= on))
        .where(or_(Membership.end_date.is_(None), Membership.end_date >= on))
    )
    return [
        Seat(
            person_id=row.person.id,
            name=row.person.full_name,
            body=row.body.name,
            title=row.title,
            member_type=row.member_type,
            district=row.person.district,
            borough=row.person.borough,
        )
        for row in session.scalars(query)
    ]


def hearing_committees(session: Session, hearing_id: int) -> tuple[datetime, list[str]]:
    """When a stored hearing is held and by which committees (joint hearings: several)."""
    hearing = session.get(Hearing, hearing_id)
    if hearing is None:
        raise RosterError(f"no hearing with id {hearing_id}")
    if hearing.scheduled_at is None or not hearing.body_name:
        raise RosterError(f"hearing {hearing.slug} has no date or body to build a roster for")
    joint = [str(name) for name in hearing.details.get("joint_with", [])]
    return hearing.scheduled_at, [hearing.body_name, *joint]
