"""The hearings list, a hearing's page and video, its history, undo, approve all, publish."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from models import Hearing, HearingStatus
from models.db import transaction
from pipeline.review.hearing_view import hearing_context, local_media
from pipeline.review.web import (
    current_editor,
    editor_for_change,
    factory_of,
    flash,
    hearing_url,
    redirect,
    render,
    settings_of,
)
from pipeline.store import review_chapters, review_history
from pipeline.store.review_queries import committees, hearing_by_slug, list_hearings

router = APIRouter()
LoggedIn = Annotated[str, Depends(current_editor)]
ChangingEditor = Annotated[str, Depends(editor_for_change)]


def hearing_or_404(session: Session, slug: str) -> Hearing:
    hearing = hearing_by_slug(session, slug)
    if hearing is None:
        raise HTTPException(404, f"There is no hearing {slug!r}.")
    return hearing


@router.get("/")
def hearings_list(
    request: Request, editor: LoggedIn, status: str = "", committee: str = ""
) -> Response:
    with factory_of(request)() as session:
        rows = list_hearings(session, status or None, committee or None)
        context = {
            "rows": rows,
            "statuses": [status.value for status in HearingStatus],
            "committees": committees(session),
            "status": status,
            "committee": committee,
        }
        return render(request, "hearings.html", context)


@router.get("/hearings/{slug}")
def hearing_page(request: Request, editor: LoggedIn, slug: str) -> Response:
    with factory_of(request)() as session:
        hearing = hearing_or_404(session, slug)
        media_route = str(request.url_for("hearing_media", slug=slug).path)
        context = hearing_context(session, settings_of(request), hearing, media_route)
        return render(request, "hearing.html", context)


@router.get("/hearings/{slug}/media", name="hearing_media")
def hearing_media(request: Request, editor: LoggedIn, slug: str) -> Response:
    """The stored media file, with range requests so the player can seek."""
    path = local_media(settings_of(request), slug)
    if path is None:
        raise HTTPException(404, "This hearing has no stored media file.")
    return FileResponse(path)


@router.get("/hearings/{slug}/history")
def hearing_history(
    request: Request, editor: LoggedIn, slug: str, chapter: int | None = None
) -> Response:
    with factory_of(request)() as session:
        hearing = hearing_or_404(session, slug)
        entries = review_history.history(session, hearing.id, chapter)
        titles = {c.id: c.title for c in hearing.chapters}
        speakers = {s.id: s.label for s in hearing.speakers}
        context = {
            "hearing": hearing,
            "entries": entries,
            "chapter_id": chapter,
            "titles": titles,
            "speaker_labels": speakers,
        }
        return render(request, "history.html", context)


@router.post("/hearings/{slug}/undo")
def undo_edit(
    request: Request, editor: ChangingEditor, slug: str, edit_id: Annotated[int, Form()]
) -> Response:
    with transaction(factory_of(request)) as session:
        hearing = hearing_or_404(session, slug)
        undone = review_history.undo(session, hearing.id, edit_id, editor)
        flash(request, f"Undid the last change of {undone.field}.")
    return redirect(f"{hearing_url(slug)}/history")


@router.post("/hearings/{slug}/approve-all")
def approve_all(request: Request, editor: ChangingEditor, slug: str) -> Response:
    with transaction(factory_of(request)) as session:
        count = review_chapters.approve_remaining(session, hearing_or_404(session, slug), editor)
    flash(request, f"Approved {count} chapter(s).")
    return redirect(hearing_url(slug))


@router.post("/hearings/{slug}/publish")
def publish(request: Request, editor: ChangingEditor, slug: str) -> Response:
    with transaction(factory_of(request)) as session:
        review_chapters.publish(session, hearing_or_404(session, slug), editor)
    flash(request, "Published. The static site picks it up at its next build.")
    return redirect(hearing_url(slug))
