"""Keeping `search_entry` in step with a hearing's chapters and lines.

A refresh computes the entries the hearing should have and changes only the difference:
an entry whose text changed is replaced (the database re-indexes it), one whose chapter or
visibility changed is updated in place (the text index is untouched: the SQLite trigger
fires only on text columns), and the rest stay as they are. Publishing a long hearing then
costs a few updates, not re-indexing thousands of lines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from models import Chapter, Hearing, SearchEntry, Speaker
from pipeline.store.publication import is_public, transcript_rows

SPEAKERS_CHARS = 1000
TEXT_FIELDS = ("title", "summary", "bullets", "body")
PLACE_FIELDS = ("chapter_id", "speaker", "start", "public")
Key = tuple[str, int]  # ("line", line index) or ("chapter", chapter id)


def _chapter_entry(
    hearing: Hearing, chapter: Chapter, labels: list[str], names: dict[str, str]
) -> dict[str, Any]:
    speakers = ", ".join(names.get(label, label) for label in dict.fromkeys(labels))
    return {
        "line_index": None, "chapter_id": chapter.id, "speaker": speakers[:SPEAKERS_CHARS],
        "start": chapter.start, "title": chapter.title, "summary": chapter.summary,
        "bullets": "\n".join(chapter.bullets), "body": "", "public": is_public(hearing, chapter),
    }  # fmt: skip


def desired_entries(
    hearing: Hearing, chapters: list[Chapter], lines: list[Row[Any]], names: dict[str, str]
) -> dict[Key, dict[str, Any]]:
    owner: dict[int, Chapter] = {}
    for chapter in chapters:
        owner.update(dict.fromkeys(range(chapter.start_line, chapter.stop_line), chapter))
    entries: dict[Key, dict[str, Any]] = {}
    for index, label, start, _end, text in lines:
        chapter = owner.get(index)
        entries["line", index] = {
            "line_index": index, "chapter_id": chapter.id if chapter else None,
            "speaker": names.get(label, label)[:SPEAKERS_CHARS], "start": start,
            "title": "", "summary": "", "bullets": "", "body": text,
            "public": is_public(hearing, chapter),
        }  # fmt: skip
    for chapter in chapters:
        labels = [line[1] for line in lines[chapter.start_line : chapter.stop_line]]
        entries["chapter", chapter.id] = _chapter_entry(hearing, chapter, labels, names)
    return entries


def _stored_entries(session: Session, hearing_id: int) -> dict[Key, dict[str, Any]]:
    table = SearchEntry.__table__
    rows = session.execute(select(table).where(table.c.hearing_id == hearing_id)).mappings()
    stored = {}
    for row in rows:
        key: Key = (
            ("line", row["line_index"])
            if row["line_index"] is not None
            else ("chapter", row["chapter_id"] or 0)
        )
        stored[key] = dict(row)
    return stored


def refresh_search_index(session: Session, hearing: Hearing) -> int:
    """Bring a hearing's entries in line with its stored chapters and lines; returns how many."""
    session.flush()
    speakers = select(Speaker.label, Speaker.display_name).where(Speaker.hearing_id == hearing.id)
    names = {label: name for label, name in session.execute(speakers)}
    chapters = list(
        session.scalars(
            select(Chapter).where(Chapter.hearing_id == hearing.id).order_by(Chapter.start_line)
        )
    )
    wanted = desired_entries(hearing, chapters, transcript_rows(session, hearing.id), names)
    stored = _stored_entries(session, hearing.id)
    inserts, moves, removed = [], [], []
    for key, entry in wanted.items():
        have = stored.pop(key, None)
        if have is None or any(have[field] != entry[field] for field in TEXT_FIELDS):
            inserts.append({"hearing_id": hearing.id, **entry})
            if have is not None:
                removed.append(have["id"])
        elif any(have[field] != entry[field] for field in PLACE_FIELDS):
            moves.append({"entry_id": have["id"], **{f: entry[f] for f in PLACE_FIELDS}})
    removed += [entry["id"] for entry in stored.values()]
    _apply(session, inserts, moves, removed)
    return len(wanted)


def _apply(
    session: Session, inserts: list[dict[str, Any]], moves: list[dict[str, Any]], removed: list[int]
) -> None:
    table = SearchEntry.__table__
    if removed:
        session.execute(delete(table).where(table.c.id.in_(removed)))
    if moves:
        values = {field: bindparam(field) for field in PLACE_FIELDS}
        session.execute(
            update(table).where(table.c.id == bindparam("entry_id")).values(values), moves
        )
    if inserts:
        session.execute(insert(table), inserts)
