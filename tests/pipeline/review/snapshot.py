"""Everything a review change could touch, as plain data, to assert that nothing changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Chapter, Edit, Hearing, Speaker


def snapshot(factory: sessionmaker[Session]) -> dict[str, Any]:
    with factory() as session:
        chapters = [
            (c.id, c.position, c.kind, c.title, c.summary, list(c.bullets), c.start_line,
             c.stop_line, c.review_state, c.edited_by, c.version)
            for c in session.scalars(select(Chapter).order_by(Chapter.id))
        ]  # fmt: skip
        speakers = [
            (s.id, s.label, s.person_id, s.name, s.display_name, s.method, s.edited_by)
            for s in session.scalars(select(Speaker).order_by(Speaker.id))
        ]
        hearings = [(h.id, h.status, h.published_at) for h in session.scalars(select(Hearing))]
        edits = len(list(session.scalars(select(Edit.id))))
    return {"chapters": chapters, "speakers": speakers, "hearings": hearings, "edits": edits}


def chapters(factory: sessionmaker[Session], hearing_id: int) -> list[Chapter]:
    with factory() as session:
        return list(
            session.scalars(
                select(Chapter).where(Chapter.hearing_id == hearing_id).order_by(Chapter.position)
            )
        )


def speakers(factory: sessionmaker[Session], hearing_id: int) -> dict[str, Speaker]:
    with factory() as session:
        rows = session.scalars(select(Speaker).where(Speaker.hearing_id == hearing_id))
        return {speaker.label: speaker for speaker in rows}


def edits(factory: sessionmaker[Session]) -> list[Edit]:
    with factory() as session:
        return list(session.scalars(select(Edit).order_by(Edit.id)))
