"""Chapter edits: texts, structure (move, split, merge), review state, regenerate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from models import Chapter
from models.db import transaction
from pipeline.chapters.prompts import load_prompt
from pipeline.llm import LlmError
from pipeline.review import structure_edits
from pipeline.review.hearing_routes import hearing_or_404
from pipeline.review.regenerate import CHAPTER_PROMPT, propose
from pipeline.review.speaker_fixes import speakers_of
from pipeline.review.web import (
    editor_for_change,
    factory_of,
    flash,
    hearing_url,
    redirect,
    render,
    settings_of,
)
from pipeline.store import review_chapters
from pipeline.store.review_chapters import ChapterText
from pipeline.store.review_history import ReviewConflict, ReviewError
from pipeline.store.review_queries import transcript

router = APIRouter(prefix="/hearings/{slug}/chapters/{chapter_id}")
ChangingEditor = Annotated[str, Depends(editor_for_change)]


def _anchor(chapter_id: int) -> str:
    return f"chapter-{chapter_id}"


@router.post("")
def save_chapter(
    request: Request,
    editor: ChangingEditor,
    slug: str,
    chapter_id: int,
    version: Annotated[int, Form()],
    kind: Annotated[str, Form()],
    title: Annotated[str, Form(max_length=2000)],
    summary: Annotated[str, Form(max_length=20000)] = "",
    bullets: Annotated[list[str] | None, Form(max_length=2000)] = None,
    source: Annotated[str, Form()] = "editor",
) -> Response:
    text = ChapterText(kind, title, summary, bullets or [])
    try:
        with transaction(factory_of(request)) as session:
            hearing = hearing_or_404(session, slug)
            chapter = review_chapters.save_text(session, hearing, chapter_id, version, text, editor)
            if source == "llm":
                _mark_written_by_llm(request, session, chapter, editor)
    except ReviewConflict as conflict:
        context = {"message": str(conflict), "slug": slug, "submitted": text}
        return render(request, "problem.html", context, status=409)
    flash(request, "Chapter saved.")
    return redirect(hearing_url(slug, _anchor(chapter_id)))


def _mark_written_by_llm(request: Request, session: Session, chapter: Chapter, editor: str) -> None:
    """An accepted proposal: the chapter counts as the model's writing again."""
    model = settings_of(request).llm.model_for(CHAPTER_PROMPT)
    review_chapters.mark_generated(
        session, chapter, model, load_prompt(CHAPTER_PROMPT).version, editor
    )


@router.post("/structure")
def change_structure(
    request: Request,
    editor: ChangingEditor,
    slug: str,
    chapter_id: int,
    layout: Annotated[str, Form()],
    action: Annotated[str, Form()],
    line: Annotated[int | None, Form()] = None,
) -> Response:
    with transaction(factory_of(request)) as session:
        hearing = hearing_or_404(session, slug)
        structure_edits.restructure(session, hearing, chapter_id, layout, action, line, editor)
    flash(request, {"merge": "Merged.", "split": "Split.", "move": "Boundary moved."}[action])
    return redirect(hearing_url(slug, _anchor(chapter_id)))


@router.post("/review")
def review_chapter(
    request: Request,
    editor: ChangingEditor,
    slug: str,
    chapter_id: int,
    version: Annotated[int, Form()],
    state: Annotated[str, Form()],
) -> Response:
    with transaction(factory_of(request)) as session:
        hearing = hearing_or_404(session, slug)
        review_chapters.set_review_state(session, hearing, chapter_id, version, state, editor)
    return redirect(hearing_url(slug, _anchor(chapter_id)))


@router.post("/regenerate")
def regenerate(request: Request, editor: ChangingEditor, slug: str, chapter_id: int) -> Response:
    """Show the model's new version beside the current one; nothing is saved here."""
    with factory_of(request)() as session:
        hearing = hearing_or_404(session, slug)
        chapter = review_chapters.chapter_in(session, hearing, chapter_id)
        lines, speakers = transcript(session, hearing.id), speakers_of(session, hearing)
    try:
        proposal = propose(settings_of(request).llm, chapter, lines, speakers)
    except LlmError as error:
        raise ReviewError(f"the LLM could not write a proposal: {error}") from None
    context = {"hearing": hearing, "chapter": chapter, "proposal": proposal}
    return render(request, "proposal.html", context)
