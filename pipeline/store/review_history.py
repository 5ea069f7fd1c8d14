"""Review history: every change an editor makes is one `Edit` row (who, when, field, before,
after); the last change of a field can be undone, which is itself recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Chapter, Edit, Speaker
from pipeline.errors import HearingsError

CHAPTER = "chapter"
SPEAKER = "speaker"
HEARING = "hearing"
# Fields whose last change can be put back as it was; structural changes (lines, splits,
# merges) touch several chapters at once and are undone by another structural edit.
UNDOABLE = {
    CHAPTER: frozenset({"kind", "title", "summary", "bullets", "review_state"}),
    SPEAKER: frozenset({"identity"}),
}


class ReviewError(HearingsError, ValueError):
    """An editor's change cannot be made; the message says why."""


class ReviewConflict(ReviewError):
    """Someone else changed the same thing after this editor loaded it."""


def now() -> datetime:
    return datetime.now(UTC)


def record(
    session: Session,
    hearing_id: int,
    entity: str,
    entity_id: int,
    field: str,
    before: Any,
    after: Any,
    editor: str,
) -> Edit:
    edit = Edit(
        hearing_id=hearing_id,
        entity=entity,
        entity_id=entity_id,
        field=field,
        before=before,
        after=after,
        editor=editor,
        edited_at=now(),
    )
    session.add(edit)
    return edit


@dataclass(frozen=True)
class HistoryEntry:
    edit: Edit
    undoable: bool


def history(session: Session, hearing_id: int, chapter_id: int | None = None) -> list[HistoryEntry]:
    """Edits of a hearing (or of one chapter), newest first; the newest edit of each
    undoable field is marked undoable."""
    query = select(Edit).where(Edit.hearing_id == hearing_id)
    if chapter_id is not None:
        query = query.where(Edit.entity == CHAPTER, Edit.entity_id == chapter_id)
    edits = list(session.scalars(query.order_by(Edit.id.desc())))
    seen: set[tuple[str, int, str]] = set()
    entries = []
    for edit in edits:
        key = (edit.entity, edit.entity_id, edit.field)
        latest = key not in seen
        seen.add(key)
        entries.append(HistoryEntry(edit, latest and edit.field in UNDOABLE.get(edit.entity, ())))
    return entries


def last_edit(session: Session, entity: str, entity_id: int, field: str) -> Edit | None:
    return session.scalar(
        select(Edit)
        .where(Edit.entity == entity, Edit.entity_id == entity_id, Edit.field == field)
        .order_by(Edit.id.desc())
        .limit(1)
    )


def undo(session: Session, hearing_id: int, edit_id: int, editor: str) -> Edit:
    """Put the field of edit `edit_id` back to its value before that edit."""
    edit = session.get(Edit, edit_id)
    if edit is None or edit.hearing_id != hearing_id:
        raise ReviewError("there is no such edit in this hearing")
    if edit.field not in UNDOABLE.get(edit.entity, ()):
        raise ReviewError(f"a change of {edit.field!r} cannot be undone field by field")
    latest = last_edit(session, edit.entity, edit.entity_id, edit.field)
    if latest is None or latest.id != edit.id:
        raise ReviewConflict(
            f"{edit.field} was changed again after this edit; only its last change can be undone"
        )
    target = session.get(Chapter if edit.entity == CHAPTER else Speaker, edit.entity_id)
    if target is None:
        raise ReviewError(f"that {edit.entity} no longer exists")
    current = read_field(target, edit.field)
    write_field(target, edit.field, edit.before)
    target.edited_by, target.edited_at = editor, now()
    return record(
        session, hearing_id, edit.entity, edit.entity_id, edit.field, current, edit.before, editor
    )


IDENTITY_FIELDS = ("person_id", "name", "display_name", "role", "organization", "method")


def read_field(target: Chapter | Speaker, field: str) -> Any:
    if field == "identity":
        return {name: getattr(target, name) for name in IDENTITY_FIELDS}
    value = getattr(target, field)
    return list(value) if isinstance(value, list) else value


def write_field(target: Chapter | Speaker, field: str, value: Any) -> None:
    if field == "identity":
        for name in IDENTITY_FIELDS:
            setattr(target, name, value[name])
    else:
        setattr(target, field, list(value) if isinstance(value, list) else value)
