"""The editors' search box: every hearing, drafts included, best match first."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from pipeline.review.web import current_editor, factory_of, hearing_url, render
from pipeline.store.search import MARK_END, MARK_START, SearchError, SearchHit, SearchQuery, search

router = APIRouter()
LoggedIn = Annotated[str, Depends(current_editor)]
RESULTS = 50


def highlighted(snippet: str) -> Markup:
    """The snippet escaped, with the matched words marked."""
    marked = str(escape(snippet)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return Markup(marked)  # escaped above: only our own <mark> tags are markup


def _result(hit: SearchHit) -> dict[str, Any]:
    anchor = f"line-{hit.line_index}" if hit.is_line else f"chapter-{hit.chapter_id}"
    return {
        "hit": hit,
        "url": hearing_url(hit.hearing_slug, anchor),
        "snippet": highlighted(hit.snippet),
    }


@router.get("/search")
def search_page(request: Request, editor: LoggedIn, q: str = "", committee: str = "") -> Response:
    results, problem = [], None
    if q.strip():
        query = SearchQuery(text=q, committee=committee or None, include_drafts=True, limit=RESULTS)
        try:
            with factory_of(request)() as session:
                results = [_result(hit) for hit in search(session, query)]
        except SearchError as error:
            problem = str(error)
    context = {"q": q, "committee": committee, "results": results, "problem": problem}
    return render(request, "search.html", context)
