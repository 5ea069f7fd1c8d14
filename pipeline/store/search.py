"""Full-text search over chapters (title, summary, bullets) and transcript lines.

`search_entry` holds one row per chapter and per line; the database indexes it (FTS5 on
SQLite, a weighted tsvector with a GIN index on PostgreSQL, see migration 0003). Ranking
weighs a title above a summary above bullets above a passing mention in a line, with bm25
on SQLite and ts_rank on PostgreSQL. Entries of published chapters are marked public: the
readers' search sees only those, the editors' search sees every hearing, drafts included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, SearchEntry, Speaker, TranscriptLine
from pipeline.store.publication import is_public
from pipeline.store.search_sql import MARK_END, MARK_START, run_search

__all__ = [
    "MARK_END", "MARK_START", "SearchError", "SearchHit", "SearchQuery",
    "fts5_query", "refresh_search_index", "search",
]  # fmt: skip
SPEAKERS_CHARS = 1000
QUERY_TERM = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+")


class SearchError(ValueError):
    """The query has nothing to search for."""


@dataclass(frozen=True)
class SearchQuery:
    text: str
    committee: str | None = None
    since: datetime | None = None
    speaker: str | None = None
    include_drafts: bool = False
    limit: int = 20


@dataclass(frozen=True)
class SearchHit:
    hearing_slug: str
    hearing_title: str
    committee: str | None
    scheduled_at: datetime | None
    chapter_title: str | None
    line_index: int | None  # None: the chapter itself matched (title, summary or bullets)
    speaker: str
    start: float
    snippet: str  # matched words between MARK_START and MARK_END
    score: float  # higher is better
    page_path: str | None  # '/{hearing}/chapter/{chapter}/#line-N' once published

    @property
    def is_line(self) -> bool:
        return self.line_index is not None


def fts5_query(text: str) -> str:
    """User text as an FTS5 query: words and "quoted phrases", all required, no operators."""
    parts = []
    for phrase, word in QUERY_TERM.findall(text):
        tokens = WORD.findall(phrase or word)
        if tokens:
            parts.append('"' + " ".join(tokens) + '"')
    return " ".join(parts)


def search(session: Session, query: SearchQuery) -> list[SearchHit]:
    if not WORD.search(query.text):
        raise SearchError("nothing to search for: give at least one word")
    rows = run_search(session, query, fts5_query(query.text))
    return [_hit(row) for row in rows]


def _hit(row: dict[str, object]) -> SearchHit:
    page_path = None
    if row["page_slug"] and row["chapter_slug"]:
        anchor = f"#line-{row['line_index']}" if row["line_index"] is not None else ""
        page_path = f"/{row['page_slug']}/chapter/{row['chapter_slug']}/{anchor}"
    return SearchHit(
        hearing_slug=str(row["hearing_slug"]),
        hearing_title=str(row["hearing_title"]),
        committee=row["committee"],  # type: ignore[arg-type]
        scheduled_at=row["scheduled_at"],  # type: ignore[arg-type]
        chapter_title=row["chapter_title"],  # type: ignore[arg-type]
        line_index=row["line_index"],  # type: ignore[arg-type]
        speaker=str(row["speaker"]),
        start=float(row["start"]),  # type: ignore[arg-type]
        snippet=str(row["snippet"] or ""),
        score=float(row["score"]),  # type: ignore[arg-type]
        page_path=page_path,
    )


def refresh_search_index(session: Session, hearing: Hearing) -> int:
    """Rebuild a hearing's entries from its stored chapters and lines; returns how many."""
    session.flush()
    session.execute(delete(SearchEntry).where(SearchEntry.hearing_id == hearing.id))
    speakers = select(Speaker.label, Speaker.display_name).where(Speaker.hearing_id == hearing.id)
    names = {label: name for label, name in session.execute(speakers)}
    chapters = session.scalars(
        select(Chapter).where(Chapter.hearing_id == hearing.id).order_by(Chapter.start_line)
    ).all()
    lines = session.scalars(
        select(TranscriptLine)
        .where(TranscriptLine.hearing_id == hearing.id)
        .order_by(TranscriptLine.line_index)
    ).all()
    rows = _line_rows(hearing, chapters, lines, names) + _chapter_rows(
        hearing, chapters, lines, names
    )
    if rows:
        session.execute(insert(SearchEntry), rows)
    return len(rows)


def _chapter_rows(
    hearing: Hearing,
    chapters: list[Chapter],
    lines: list[TranscriptLine],
    names: dict[str, str],
) -> list[dict[str, object]]:
    rows = []
    for chapter in chapters:
        labels = dict.fromkeys(
            line.speaker_label for line in lines[chapter.start_line : chapter.stop_line]
        )
        speakers = ", ".join(names.get(label, label) for label in labels)
        rows.append(
            {
                "hearing_id": hearing.id,
                "chapter_id": chapter.id,
                "line_index": None,
                "speaker": speakers[:SPEAKERS_CHARS],
                "start": chapter.start,
                "title": chapter.title,
                "summary": chapter.summary,
                "bullets": "\n".join(chapter.bullets),
                "body": "",
                "public": is_public(hearing, chapter),
            }
        )
    return rows


def _line_rows(
    hearing: Hearing,
    chapters: list[Chapter],
    lines: list[TranscriptLine],
    names: dict[str, str],
) -> list[dict[str, object]]:
    owner: dict[int, Chapter] = {}
    for chapter in chapters:
        owner.update(dict.fromkeys(range(chapter.start_line, chapter.stop_line), chapter))
    rows = []
    for line in lines:
        chapter = owner.get(line.line_index)
        rows.append(
            {
                "hearing_id": hearing.id,
                "chapter_id": chapter.id if chapter else None,
                "line_index": line.line_index,
                "speaker": names.get(line.speaker_label, line.speaker_label)[:SPEAKERS_CHARS],
                "start": line.start,
                "title": "",
                "summary": "",
                "bullets": "",
                "body": line.text,
                "public": is_public(hearing, chapter),
            }
        )
    return rows
