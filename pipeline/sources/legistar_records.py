"""Typed Legistar Web API records, with the API's own field names.

Only the fields the pipeline reads are declared; the rest of each record is ignored.
Dates arrive as naive ISO datetimes: `...Date` fields are local midnights and
`...LastModifiedUtc` fields are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from pipeline.errors import HearingsError, describe_validation_error

RecordT = TypeVar("RecordT", bound="LegistarRecord")


class LegistarRecordError(HearingsError, ValueError):
    """A Legistar record is malformed; the message names the record and the field."""


class LegistarRecord(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class LegistarBody(LegistarRecord):
    BodyId: int
    BodyName: str
    BodyTypeName: str | None = None
    BodyActiveFlag: int | None = None

    @field_validator("BodyName")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class LegistarPerson(LegistarRecord):
    PersonId: int
    PersonFullName: str
    PersonFirstName: str | None = None
    PersonLastName: str | None = None
    PersonActiveFlag: int | None = None


class LegistarOfficeRecord(LegistarRecord):
    OfficeRecordId: int
    OfficeRecordPersonId: int
    OfficeRecordFullName: str
    OfficeRecordFirstName: str | None = None
    OfficeRecordLastName: str | None = None
    OfficeRecordBodyId: int
    OfficeRecordBodyName: str
    OfficeRecordTitle: str | None = None
    OfficeRecordMemberType: str | None = None
    OfficeRecordStartDate: datetime | None = None
    OfficeRecordEndDate: datetime | None = None
    OfficeRecordLastModifiedUtc: datetime | None = None

    @field_validator("OfficeRecordBodyName")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @property
    def start(self) -> date | None:
        return self.OfficeRecordStartDate.date() if self.OfficeRecordStartDate else None

    @property
    def end(self) -> date | None:
        return self.OfficeRecordEndDate.date() if self.OfficeRecordEndDate else None


class LegistarRollCall(LegistarRecord):
    RollCallPersonId: int
    RollCallPersonName: str
    RollCallValueName: str | None = None
    RollCallEventItemId: int | None = None


class LegistarEventItem(LegistarRecord):
    EventItemId: int
    EventItemAgendaSequence: int | None = None
    EventItemTitle: str | None = None
    EventItemActionName: str | None = None
    EventItemRollCallFlag: int | None = None
    EventItemMatterId: int | None = None
    EventItemMatterFile: str | None = None
    EventItemMatterName: str | None = None
    EventItemMatterType: str | None = None


class LegistarEvent(LegistarRecord):
    EventId: int
    EventBodyId: int
    EventBodyName: str
    EventDate: datetime
    EventTime: str | None = None
    EventLastModifiedUtc: datetime
    EventAgendaStatusName: str | None = None
    EventComment: str | None = None
    EventLocation: str | None = None
    EventVideoPath: str | None = None
    EventInSiteURL: str | None = None
    EventAgendaFile: str | None = None
    EventMinutesFile: str | None = None

    @field_validator("EventBodyName")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


ID_FIELDS: dict[type[LegistarRecord], str] = {
    LegistarBody: "BodyId",
    LegistarPerson: "PersonId",
    LegistarOfficeRecord: "OfficeRecordId",
    LegistarRollCall: "RollCallPersonId",
    LegistarEventItem: "EventItemId",
    LegistarEvent: "EventId",
}


def describe_record(model: type[LegistarRecord], raw: object) -> str:
    """'event EventId=21125' or 'event #3' when even the id is missing."""
    kind = model.__name__.removeprefix("Legistar").lower()
    id_field = ID_FIELDS[model]
    if isinstance(raw, dict) and raw.get(id_field) is not None:
        return f"{kind} {id_field}={raw[id_field]}"
    return f"{kind} (no {id_field})"


def parse_record(model: type[RecordT], raw: object) -> RecordT:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = describe_validation_error(error, whole="record")
        raise LegistarRecordError(
            f"Legistar {describe_record(model, raw)} is malformed: {problems}"
        ) from None


def parse_records(model: type[RecordT], raws: list[Any]) -> list[RecordT]:
    return [parse_record(model, raw) for raw in raws]
