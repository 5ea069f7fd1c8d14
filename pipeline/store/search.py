"""Full-text search over chapters (title, summary, bullets) and transcript lines.

`search_entry` holds one row per chapter and per line; the database indexes it (FTS5 on
SQLite, a weighted tsvector with a GIN index on PostgreSQL, see migration 0005). Ranking
weighs a title above a summary above bullets above a passing mention in a line, with bm25
on SQLite and ts_rank on PostgreSQL. Entries of published chapters are marked public: the
readers' search sees only those, the editors' search sees every hearing, drafts included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from pipeline.errors import HearingsError
from pipeline.store.search_index import refresh_search_index
from pipeline.store.search_sql import MARK_END, MARK_START, run_search

__all__ = [
    "MARK_END", "MARK_START", "SearchError", "SearchHit", "SearchQuery",
    "fts5_query", "refresh_search_index", "search",
]  # fmt: skip
QUERY_TERM = re.compile(r'"([^"]*)"|(\S+)')
WORD = re.compile(r"\w+")


class SearchError(HearingsError, ValueError):
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
    chapter_id: int | None
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
        chapter_id=row["chapter_id"],  # type: ignore[arg-type]
        chapter_title=row["chapter_title"],  # type: ignore[arg-type]
        line_index=row["line_index"],  # type: ignore[arg-type]
        speaker=str(row["speaker"]),
        start=float(row["start"]),  # type: ignore[arg-type]
        snippet=str(row["snippet"] or ""),
        score=float(row["score"]),  # type: ignore[arg-type]
        page_path=page_path,
    )
