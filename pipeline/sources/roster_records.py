"""Legistar's roster records (Bodies, Persons, OfficeRecords) as our own `RosterRecords`.

Legistar folds titles into names ("Public Advocate Jumaane Williams"), leaves some titles
blank and names people and bodies in office records that its Persons and Bodies lists miss;
all of that is settled here, so storage receives complete, clean records.
"""

from __future__ import annotations

import re

from pipeline.records import (
    BodyRecord,
    MembershipRecord,
    PersonPlace,
    PersonRecord,
    RosterRecords,
)
from pipeline.sources.legistar_records import LegistarBody, LegistarOfficeRecord, LegistarPerson

TITLE_PREFIX = re.compile(r"^(public advocate|council member|speaker)\s+", re.IGNORECASE)


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


def _person(
    record: LegistarPerson | None, office: LegistarOfficeRecord, place: PersonPlace | None
) -> PersonRecord:
    """The person of an office record, from Persons when listed there, else from the record."""
    if record is None:
        return PersonRecord(
            legistar_id=office.OfficeRecordPersonId,
            full_name=clean_person_name(office.OfficeRecordFullName),
            first_name=office.OfficeRecordFirstName,
            last_name=office.OfficeRecordLastName,
            place=place,
        )
    return PersonRecord(
        legistar_id=record.PersonId,
        full_name=clean_person_name(record.PersonFullName),
        first_name=record.PersonFirstName,
        last_name=record.PersonLastName,
        place=place,
    )


def _membership(record: LegistarOfficeRecord) -> MembershipRecord:
    return MembershipRecord(
        legistar_id=record.OfficeRecordId,
        person_legistar_id=record.OfficeRecordPersonId,
        body_legistar_id=record.OfficeRecordBodyId,
        body_name=record.OfficeRecordBodyName,
        title=membership_title(record),
        member_type=record.OfficeRecordMemberType,
        start=record.start,
        end=record.end,
    )


def roster_records(
    bodies: list[LegistarBody],
    persons: list[LegistarPerson],
    office_records: list[LegistarOfficeRecord],
    places: dict[int, PersonPlace],
) -> RosterRecords:
    """Every body (listed, or only named by an office record), the people holding office
    records, and their memberships."""
    body_records = {b.BodyId: BodyRecord(b.BodyId, b.BodyName, b.BodyTypeName) for b in bodies}
    listed = {person.PersonId: person for person in persons}
    person_records: dict[int, PersonRecord] = {}
    for office in office_records:
        body_id, person_id = office.OfficeRecordBodyId, office.OfficeRecordPersonId
        if body_id not in body_records:  # events and office records do not say its type
            body_records[body_id] = BodyRecord(body_id, office.OfficeRecordBodyName)
        if person_id not in person_records:
            person_records[person_id] = _person(
                listed.get(person_id), office, places.get(person_id)
            )
    return RosterRecords(
        bodies=list(body_records.values()),
        persons=list(person_records.values()),
        memberships=[_membership(office) for office in office_records],
    )
