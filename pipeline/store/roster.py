"""Bodies, people and memberships in the database: idempotent upserts and the hearing roster."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel
from rapidfuzz import process
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from models import Body, Hearing, Membership, Person
from pipeline.errors import HearingsError
from pipeline.roster import RosterMember, Seat, rank_roster
from pipeline.sources.bundled_roster import PersonPlace
from pipeline.sources.events import NEW_YORK
from pipeline.sources.legistar_records import LegistarBody, LegistarOfficeRecord, LegistarPerson

TITLE_PREFIX = re.compile(r"^(public advocate|council member|speaker)\s+", re.IGNORECASE)


class RosterError(HearingsError, LookupError):
    """The roster cannot be built: unknown body or hearing, or no roster loaded yet."""


class RosterSyncReport(BaseModel):
    bodies: int
    persons: int
    memberships: int
    added: int
    changed: int


def clean_person_name(full_name: str) -> str:
    """'Public Advocate Jumaane Williams' → 'Jumaane Williams' (Legistar folds titles in)."""
    return TITLE_PREFIX.sub("", " ".join(full_name.split()))


def membership_title(record: LegistarOfficeRecord) -> str:
    """The record's title, or one derived from its member type when Legistar left it blank."""
    title = (record.OfficeRecordTitle or "").strip()
    if title:
        return title
    kind = (record.OfficeRecordMemberType or "Member").strip().upper().removeprefix("PRIMARY ")
    return kind.title()


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


def _upsert_person(
    session: Session, record: LegistarPerson, place: PersonPlace | None, counter: ChangeCounter
) -> Person:
    values: dict[str, object] = {
        "full_name": clean_person_name(record.PersonFullName),
        "first_name": record.PersonFirstName,
        "last_name": record.PersonLastName,
    }
    if place is not None:  # Legistar's Persons carry no district: only the bundled roster does
        values |= {"district": place.district, "borough": place.borough}
    person = session.scalar(select(Person).where(Person.legistar_id == record.PersonId))
    if person is None:
        person = Person(legistar_id=record.PersonId, **values)
        session.add(person)
        counter.added += 1
    else:
        counter.assign(person, values)
    return person


def person_from_office_record(record: LegistarOfficeRecord) -> LegistarPerson:
    return LegistarPerson(
        PersonId=record.OfficeRecordPersonId,
        PersonFullName=record.OfficeRecordFullName,
        PersonFirstName=record.OfficeRecordFirstName,
        PersonLastName=record.OfficeRecordLastName,
    )


def upsert_roster(
    session: Session,
    bodies: list[LegistarBody],
    persons: list[LegistarPerson],
    records: list[LegistarOfficeRecord],
    places: dict[int, PersonPlace],
) -> RosterSyncReport:
    """Bodies, the people holding office records, and their memberships; twice = no change."""
    counter = ChangeCounter()
    body_rows = {
        b.BodyId: upsert_body(session, b.BodyId, b.BodyName, counter, b.BodyTypeName)
        for b in bodies
    }
    person_records = {p.PersonId: p for p in persons}
    person_rows: dict[int, Person] = {}
    for record in records:
        if record.OfficeRecordBodyId not in body_rows:
            body_rows[record.OfficeRecordBodyId] = upsert_body(
                session, record.OfficeRecordBodyId, record.OfficeRecordBodyName, counter
            )
        person_id = record.OfficeRecordPersonId
        if person_id not in person_rows:
            source = person_records.get(person_id) or person_from_office_record(record)
            person_rows[person_id] = _upsert_person(session, source, places.get(person_id), counter)
    session.flush()
    memberships = _upsert_memberships(session, records, body_rows, person_rows, counter)
    return RosterSyncReport(
        bodies=len(body_rows),
        persons=len(person_rows),
        memberships=memberships,
        added=counter.added,
        changed=counter.changed,
    )


def _upsert_memberships(
    session: Session,
    records: list[LegistarOfficeRecord],
    body_rows: dict[int, Body],
    person_rows: dict[int, Person],
    counter: ChangeCounter,
) -> int:
    existing = {row.legistar_id: row for row in session.scalars(select(Membership))}
    natural_keys = {(r.person_id, r.body_id, r.title, r.start_date) for r in existing.values()}
    kept = 0
    for record in sorted(records, key=lambda r: r.OfficeRecordId):
        values = {
            "person_id": person_rows[record.OfficeRecordPersonId].id,
            "body_id": body_rows[record.OfficeRecordBodyId].id,
            "title": membership_title(record),
            "member_type": record.OfficeRecordMemberType,
            "start_date": record.start,
            "end_date": record.end,
        }
        row = existing.get(record.OfficeRecordId)
        if row is not None:
            counter.assign(row, values)
            kept += 1
            continue
        key = (values["person_id"], values["body_id"], values["title"], values["start_date"])
        if key in natural_keys:  # Legistar sometimes repeats a seat under a second record id
            continue
        natural_keys.add(key)
        session.add(Membership(legistar_id=record.OfficeRecordId, **values))
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


def roster_on(session: Session, on: date, body_names: list[str]) -> list[RosterMember]:
    committees = [resolve_body_name(session, name) for name in body_names]
    return rank_roster(seats_on(session, on), committees)


def roster_for(session: Session, hearing_id: int) -> list[RosterMember]:
    """The roster of a stored hearing on its date (joint hearings: every committee's members)."""
    hearing = session.get(Hearing, hearing_id)
    if hearing is None:
        raise RosterError(f"no hearing with id {hearing_id}")
    if hearing.scheduled_at is None or not hearing.body_name:
        raise RosterError(f"hearing {hearing.slug} has no date or body to build a roster for")
    on = hearing.scheduled_at.astimezone(NEW_YORK).date()
    joint = [str(name) for name in hearing.details.get("joint_with", [])]
    return roster_on(session, on, [hearing.body_name, *joint])
