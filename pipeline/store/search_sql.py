"""The search query in each database's own full-text dialect (FTS5, PostgreSQL tsquery)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, Integer, String, TextClause, bindparam, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from models.base import UtcDateTime

if TYPE_CHECKING:
    from pipeline.store.search import SearchQuery

MARK_START, MARK_END = "\u27e6", "\u27e7"  # ⟦ ⟧ around matched words in snippets
# Column weights: a word in a chapter title counts ten times one in a transcript line.
FTS5_WEIGHTS = "10.0, 4.0, 2.0, 1.0"
SNIPPET_WORDS = 16

RESULT_COLUMNS = """
    e.chapter_id, e.line_index, e.speaker, e.start, h.slug AS hearing_slug,
    h.title AS hearing_title, h.body_name AS committee, h.scheduled_at, c.title AS chapter_title,
    hp.slug AS page_slug, cp.slug AS chapter_slug"""
RESULT_JOINS = """
    JOIN hearing h ON h.id = e.hearing_id
    LEFT JOIN chapter c ON c.id = e.chapter_id
    LEFT JOIN hearing_page hp ON hp.hearing_id = e.hearing_id
    LEFT JOIN chapter_page cp ON cp.chapter_id = e.chapter_id"""

# Rank on the full-text table alone (joining first costs a lookup per match, and a common
# word matches tens of thousands of lines), keep the best candidates, then filter those.
# When fewer than `limit` candidates pass the filters, the search runs again with more
# candidates and finally over every match (:candidates = -1, no limit), so the answer is
# the same as filtering first.
SQLITE_SEARCH = """
WITH best AS (
    SELECT rowid AS id, -bm25(search_fts, {weights}) AS score FROM search_fts
    WHERE search_fts MATCH :fts_query ORDER BY score DESC LIMIT :candidates
)
SELECT e.id, {columns}, best.score
FROM best JOIN search_entry e ON e.id = best.id {joins}
WHERE TRUE {filters}
ORDER BY best.score DESC, e.hearing_id, e.start
LIMIT :limit"""
CANDIDATES_PER_RESULT = (10, 100, 0)  # 0: every match
# Snippets only for the rows kept: snippet() costs far more than bm25().
SQLITE_SNIPPETS = """
SELECT rowid AS id, snippet(search_fts, -1, :mark_start, :mark_end, '…', {words}) AS snippet
FROM search_fts WHERE search_fts MATCH :fts_query AND rowid IN :ids"""

# Rank and cut first, then make headlines for the few rows kept (ts_headline is costly).
POSTGRES_SEARCH = """
WITH query AS (SELECT websearch_to_tsquery('english', :text) AS tsq),
best AS (
    SELECT e.id, ts_rank(e.search_vector, query.tsq) AS score
    FROM search_entry e CROSS JOIN query {joins}
    WHERE e.search_vector @@ query.tsq {filters}
    ORDER BY score DESC, e.hearing_id, e.start
    LIMIT :limit
)
SELECT {columns}, best.score,
    ts_headline('english', concat_ws(' ', e.title, e.summary, e.bullets, e.body), query.tsq,
        'StartSel=' || :mark_start || ', StopSel=' || :mark_end
        || ', MaxWords={words}, MinWords=6, MaxFragments=1') AS snippet
FROM best JOIN search_entry e ON e.id = best.id CROSS JOIN query {joins}
ORDER BY best.score DESC, e.hearing_id, e.start"""


def _filters(query: SearchQuery) -> tuple[str, dict[str, Any]]:
    clauses, values = [], {}
    if not query.include_drafts:
        clauses.append("e.public = :public")
        values["public"] = True
    if query.committee:
        clauses.append("lower(h.body_name) LIKE :committee")
        values["committee"] = f"%{query.committee.strip().lower()}%"
    if query.since:
        clauses.append("h.scheduled_at >= :since")
        values["since"] = query.since
    if query.speaker:
        clauses.append("lower(e.speaker) LIKE :speaker")
        values["speaker"] = f"%{query.speaker.strip().lower()}%"
    return "".join(f" AND {clause}" for clause in clauses), values


def _statement(template: str, filters: str, values: dict[str, Any]) -> TextClause:
    statement = text(
        template.format(
            columns=RESULT_COLUMNS,
            joins=RESULT_JOINS,
            filters=filters,
            weights=FTS5_WEIGHTS,
            words=SNIPPET_WORDS,
        )
    )
    if "since" in values:
        statement = statement.bindparams(bindparam("since", type_=UtcDateTime()))
    return statement


def _typed(statement: TextClause) -> TextualSelect:
    return statement.columns(
        line_index=Integer(), start=Float(), score=Float(), snippet=String(),
        scheduled_at=UtcDateTime(),
    )  # fmt: skip


def _sqlite_search(session: Session, filters: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    statement = _typed(_statement(SQLITE_SEARCH, filters, values))
    for per_result in CANDIDATES_PER_RESULT:
        candidates = values["limit"] * per_result if per_result else -1
        found = session.execute(statement, values | {"candidates": candidates}).mappings()
        rows = [dict(row) for row in found]
        if len(rows) == values["limit"]:
            break
    if not rows:
        return rows
    snippets_query = text(SQLITE_SNIPPETS.format(words=SNIPPET_WORDS)).bindparams(
        bindparam("ids", expanding=True)
    )
    ids = [row["id"] for row in rows]
    snippets = {
        key: snippet for key, snippet in session.execute(snippets_query, values | {"ids": ids})
    }
    return [row | {"snippet": snippets.get(row["id"], "")} for row in rows]


def run_search(session: Session, query: SearchQuery, fts_query: str) -> list[dict[str, Any]]:
    filters, values = _filters(query)
    values |= {"limit": query.limit, "mark_start": MARK_START, "mark_end": MARK_END}
    if session.get_bind().dialect.name == "sqlite":
        return _sqlite_search(session, filters, values | {"fts_query": fts_query})
    statement = _typed(_statement(POSTGRES_SEARCH, filters, values))
    return [
        dict(row) for row in session.execute(statement, values | {"text": query.text}).mappings()
    ]
