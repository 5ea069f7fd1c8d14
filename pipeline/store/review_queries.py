"""What the review app shows: the hearings list with what needs attention, one hearing's page.

Counts are computed in the database (one grouped query each), and a hearing's transcript is
read as plain rows rather than ORM objects: a six-hour hearing has thousands of lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, ReviewState, Speaker, StageRun, StageStatus, TranscriptLine

LONG_CHAPTER_SECONDS = 600.0
DONE_STATES = (ReviewState.APPROVED.value, ReviewState.PUBLISHED.value)


@dataclass
class HearingRow:
    hearing: Hearing
    chapters: int = 0
    approved: int = 0
    long_chapters: int = 0
    offline_chapters: int = 0
    unnamed_speakers: int = 0
    failed_stages: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.unnamed_speakers:
            flags.append(f"{self.unnamed_speakers} unnamed speaker(s)")
        if self.failed_stages:
            flags.append("failed: " + ", ".join(self.failed_stages))
        if self.long_chapters:
            flags.append(f"{self.long_chapters} chapter(s) over 10 min")
        if self.offline_chapters:
            flags.append(f"{self.offline_chapters} chapter(s) not written by the LLM")
        return flags


def list_hearings(
    session: Session, status: str | None = None, committee: str | None = None
) -> list[HearingRow]:
    """Hearings, newest first, with review progress and flags that need attention."""
    query = select(Hearing).order_by(Hearing.scheduled_at.desc().nulls_last(), Hearing.id.desc())
    if status:
        query = query.where(Hearing.status == status)
    if committee:
        query = query.where(Hearing.body_name == committee)
    rows = {hearing.id: HearingRow(hearing) for hearing in session.scalars(query)}
    if not rows:
        return []
    _add_chapter_counts(session, rows)
    _add_unnamed_speakers(session, rows)
    _add_failed_stages(session, rows)
    return list(rows.values())


def _add_chapter_counts(session: Session, rows: dict[int, HearingRow]) -> None:
    query = (
        select(
            Chapter.hearing_id,
            func.count(),
            func.sum(case((Chapter.review_state.in_(DONE_STATES), 1), else_=0)),
            func.sum(case((Chapter.end - Chapter.start > LONG_CHAPTER_SECONDS, 1), else_=0)),
            func.sum(case((Chapter.generator == "offline", 1), else_=0)),
        )
        .where(Chapter.hearing_id.in_(rows))
        .group_by(Chapter.hearing_id)
    )
    for hearing_id, total, approved, long, offline in session.execute(query):
        row = rows[hearing_id]
        row.chapters, row.approved = total, approved or 0
        row.long_chapters, row.offline_chapters = long or 0, offline or 0


def _add_unnamed_speakers(session: Session, rows: dict[int, HearingRow]) -> None:
    query = (
        select(Speaker.hearing_id, func.count())
        .where(Speaker.hearing_id.in_(rows), Speaker.name.is_(None))
        .group_by(Speaker.hearing_id)
    )
    for hearing_id, count in session.execute(query):
        rows[hearing_id].unnamed_speakers = count


def _add_failed_stages(session: Session, rows: dict[int, HearingRow]) -> None:
    latest = (
        select(func.max(StageRun.id))
        .where(StageRun.hearing_id.in_(rows))
        .group_by(StageRun.hearing_id, StageRun.stage)
    )
    query = select(StageRun.hearing_id, StageRun.stage).where(
        StageRun.id.in_(latest), StageRun.status == StageStatus.FAILED
    )
    for hearing_id, stage in session.execute(query.order_by(StageRun.id)):
        rows[hearing_id].failed_stages.append(stage)


def committees(session: Session) -> list[str]:
    query = select(Hearing.body_name).where(Hearing.body_name.is_not(None)).distinct()
    return sorted(name for name in session.scalars(query) if name)


@dataclass(frozen=True)
class LineRow:
    index: int
    speaker_label: str
    start: float
    end: float
    text: str


def transcript(session: Session, hearing_id: int) -> list[LineRow]:
    query = (
        select(
            TranscriptLine.line_index,
            TranscriptLine.speaker_label,
            TranscriptLine.start,
            TranscriptLine.end,
            TranscriptLine.text,
        )
        .where(TranscriptLine.hearing_id == hearing_id)
        .order_by(TranscriptLine.line_index)
    )
    return [LineRow(*row) for row in session.execute(query)]


def hearing_by_slug(session: Session, slug: str) -> Hearing | None:
    return session.scalar(select(Hearing).where(Hearing.slug == slug))
