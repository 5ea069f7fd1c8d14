"""Editors' speaker fixes: rename a label, name it as a roster person, merge two labels.

A fix changes the Speaker row of a label; lines and chapters show speakers by label, so
every line shows the fix at once. The row is marked as a person's (`method` human,
`edited_by`), which the store keeps across pipeline re-runs. Each fix is one `Edit` of the
field `identity` (person, name, display name, role, organization, method together).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Hearing, Person, Speaker
from pipeline.roster import RosterMember
from pipeline.schemas import IdentityMethod
from pipeline.store.review_history import SPEAKER, ReviewError, now, read_field, record

MAX_NAME = 300
COUNCIL = "NYC Council"


def speaker_in(session: Session, hearing: Hearing, speaker_id: int) -> Speaker:
    speaker = session.get(Speaker, speaker_id)
    if speaker is None or speaker.hearing_id != hearing.id:
        raise ReviewError("that speaker is not part of this hearing")
    return speaker


def _apply(session: Session, speaker: Speaker, identity: dict[str, object], editor: str) -> None:
    before = read_field(speaker, "identity")
    identity = {**before, **identity, "method": IdentityMethod.HUMAN.value}
    if identity == before:
        return
    for name, value in identity.items():
        setattr(speaker, name, value)
    speaker.confidence = 1.0
    speaker.edited_by, speaker.edited_at = editor, now()
    record(session, speaker.hearing_id, SPEAKER, speaker.id, "identity", before, identity, editor)


def rename(session: Session, hearing: Hearing, speaker_id: int, name: str, editor: str) -> None:
    """Give a label a name typed by the editor (not linked to a roster person)."""
    speaker = speaker_in(session, hearing, speaker_id)
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise ReviewError(f"a speaker name is 1–{MAX_NAME} characters")
    keep_person = speaker.name == name
    _apply(session, speaker, {
        "name": name,
        "display_name": name,
        "person_id": speaker.person_id if keep_person else None,
    }, editor)  # fmt: skip
    session.flush()


def assign_person(
    session: Session,
    hearing: Hearing,
    speaker_id: int,
    person_id: int,
    editor: str,
    roster: list[RosterMember],
) -> None:
    """Name a label as a person of the hearing's `roster` (or any stored person)."""
    speaker = speaker_in(session, hearing, speaker_id)
    person = session.get(Person, person_id)
    if person is None:
        raise ReviewError("there is no such person in the roster")
    member = next((m for m in roster if m.person_id == person_id), None)
    _apply(session, speaker, {
        "person_id": person.id,
        "name": person.full_name,
        "display_name": person.full_name,
        "role": member.title if member else speaker.role,
        "organization": COUNCIL if member else speaker.organization,
    }, editor)  # fmt: skip
    session.flush()


def merge_into(
    session: Session, hearing: Hearing, speaker_id: int, target_id: int, editor: str
) -> None:
    """Label `speaker_id` is the same person as label `target_id`: it takes their identity."""
    if speaker_id == target_id:
        raise ReviewError("pick another speaker to merge with")
    speaker = speaker_in(session, hearing, speaker_id)
    target = speaker_in(session, hearing, target_id)
    identity = read_field(target, "identity")
    identity.pop("method")
    _apply(session, speaker, identity, editor)
    session.flush()


def speakers_of(session: Session, hearing: Hearing) -> list[Speaker]:
    return list(
        session.scalars(
            select(Speaker).where(Speaker.hearing_id == hearing.id).order_by(Speaker.label)
        )
    )
