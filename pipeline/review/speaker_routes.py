"""Speaker fixes: rename a label, pick a roster person, merge a label into another."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flows.roster import roster_or_empty
from models.db import transaction
from pipeline.review import speaker_fixes
from pipeline.review.hearing_routes import hearing_or_404
from pipeline.review.web import editor_for_change, factory_of, flash, hearing_url, redirect
from pipeline.store.review_history import ReviewError

router = APIRouter(prefix="/hearings/{slug}/speakers/{speaker_id}")
ChangingEditor = Annotated[str, Depends(editor_for_change)]


@router.post("")
def fix_speaker(
    request: Request,
    editor: ChangingEditor,
    slug: str,
    speaker_id: int,
    action: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=1000)] = "",
    person_id: Annotated[int | None, Form()] = None,
    target_id: Annotated[int | None, Form()] = None,
) -> Response:
    with transaction(factory_of(request)) as session:
        hearing = hearing_or_404(session, slug)
        if action == "rename":
            speaker_fixes.rename(session, hearing, speaker_id, name, editor)
        elif action == "person" and person_id is not None:
            roster = roster_or_empty(session, hearing.id)
            speaker_fixes.assign_person(session, hearing, speaker_id, person_id, editor, roster)
        elif action == "merge" and target_id is not None:
            speaker_fixes.merge_into(session, hearing, speaker_id, target_id, editor)
        else:
            raise ReviewError("choose a name, a person or a speaker to merge with")
    flash(request, "Speaker updated.")
    return redirect(hearing_url(slug, "speakers"))
