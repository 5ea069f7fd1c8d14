"""Editors' changes to chapters: texts, review states, publishing (boundaries, splits and
merges are in `pipeline.review.structure_edits`).

Every change sets the chapter's `edited_by`/`edited_at` (so no pipeline re-run replaces it:
the store's rule) and records `Edit` rows. A text save names the chapter version the editor
saw; a structural change names the chapter starts they saw; either is refused as a conflict
when the chapter or the layout changed since.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models import Chapter, Hearing, HearingStatus, ReviewState
from pipeline.schemas import ChapterKind
from pipeline.store.review_history import CHAPTER, HEARING, ReviewConflict, ReviewError, now, record

MAX_TITLE = 500
MAX_BULLETS = 12
CHOSEN_STATES = {ReviewState.APPROVED, ReviewState.REJECTED, ReviewState.DRAFT}


@dataclass(frozen=True)
class ChapterText:
    kind: str
    title: str
    summary: str
    bullets: list[str]


def chapter_in(session: Session, hearing: Hearing, chapter_id: int) -> Chapter:
    chapter = session.get(Chapter, chapter_id)
    if chapter is None or chapter.hearing_id != hearing.id:
        # A merge by another editor or a pipeline re-run replaced it since the page loaded.
        raise ReviewConflict("that chapter is no longer part of this hearing; reload the page")
    return chapter


def _check_version(chapter: Chapter, seen_version: int) -> None:
    if chapter.version != seen_version:
        who = f" by {chapter.edited_by}" if chapter.edited_by else ""
        raise ReviewConflict(
            f"chapter “{chapter.title}” was changed{who} after you opened it "
            f"(version {chapter.version}, you had {seen_version}); reload to see it"
        )


def clean_text(text: ChapterText) -> ChapterText:
    try:
        kind = ChapterKind(text.kind).value
    except ValueError:
        raise ReviewError(f"unknown chapter kind {text.kind!r}") from None
    title = " ".join(text.title.split())
    if not title or len(title) > MAX_TITLE:
        raise ReviewError(f"a chapter title is 1–{MAX_TITLE} characters")
    bullets = [" ".join(bullet.split()) for bullet in text.bullets]
    bullets = [bullet for bullet in bullets if bullet]
    if len(bullets) > MAX_BULLETS:
        raise ReviewError(f"a chapter has at most {MAX_BULLETS} bullets")
    return ChapterText(kind, title, text.summary.strip(), bullets)


def set_field(session: Session, chapter: Chapter, field: str, value: object, editor: str) -> bool:
    before = getattr(chapter, field)
    before = list(before) if isinstance(before, list) else before
    if before == value:
        return False
    setattr(chapter, field, value)
    record(session, chapter.hearing_id, CHAPTER, chapter.id, field, before, value, editor)
    return True


def touch(chapter: Chapter, editor: str) -> None:
    chapter.edited_by, chapter.edited_at = editor, now()


def save_text(
    session: Session,
    hearing: Hearing,
    chapter_id: int,
    seen_version: int,
    text: ChapterText,
    editor: str,
) -> Chapter:
    """Set kind, title, summary and bullets; one Edit per field that changed."""
    chapter = chapter_in(session, hearing, chapter_id)
    _check_version(chapter, seen_version)
    text = clean_text(text)
    changed = [
        set_field(session, chapter, field, getattr(text, field), editor)
        for field in ("kind", "title", "summary", "bullets")
    ]
    if any(changed):
        touch(chapter, editor)
    session.flush()
    return chapter


def mark_generated(
    session: Session, chapter: Chapter, generator: str, prompt_version: str, editor: str
) -> None:
    """The chapter's texts are a model's again (an accepted proposal)."""
    set_field(session, chapter, "generator", generator, editor)
    chapter.prompt_version = prompt_version
    session.flush()


def set_review_state(
    session: Session, hearing: Hearing, chapter_id: int, seen_version: int, state: str, editor: str
) -> Chapter:
    if state not in CHOSEN_STATES:
        raise ReviewError(f"a chapter can be set to {', '.join(sorted(CHOSEN_STATES))}")
    chapter = chapter_in(session, hearing, chapter_id)
    _check_version(chapter, seen_version)
    if chapter.review_state == ReviewState.PUBLISHED:
        raise ReviewError("this chapter is published; its hearing must be unpublished first")
    if set_field(session, chapter, "review_state", state, editor):
        touch(chapter, editor)
    session.flush()
    return chapter


def approve_remaining(session: Session, hearing: Hearing, editor: str) -> int:
    """Approve every draft chapter; rejected ones stay rejected."""
    drafts = [c for c in hearing.chapters if c.review_state == ReviewState.DRAFT]
    for chapter in drafts:
        set_field(session, chapter, "review_state", ReviewState.APPROVED.value, editor)
        touch(chapter, editor)
    session.flush()
    return len(drafts)


def publish(session: Session, hearing: Hearing, editor: str) -> None:
    """Mark a fully approved hearing published; nothing unapproved is ever published."""
    if not hearing.chapters:
        raise ReviewError("a hearing without chapters cannot be published")
    aside = [c for c in hearing.chapters if c.detached]
    if aside:
        raise ReviewError(
            f"{len(aside)} chapter(s) were kept aside after a new transcript "
            "(`hearings show` lists them); place or delete them first"
        )
    done = (ReviewState.APPROVED, ReviewState.PUBLISHED)
    waiting = [c for c in hearing.chapters if c.review_state not in done]
    if waiting:
        raise ReviewError(
            f"{len(waiting)} chapter(s) are not approved yet; approve every chapter first"
        )
    for chapter in hearing.chapters:
        if chapter.review_state == ReviewState.APPROVED:
            set_field(session, chapter, "review_state", ReviewState.PUBLISHED.value, editor)
            touch(chapter, editor)
    published_at = now()
    before = hearing.published_at.isoformat() if hearing.published_at else None
    record(session, hearing.id, HEARING, hearing.id, "published_at", before,
           published_at.isoformat(), editor)  # fmt: skip
    record(session, hearing.id, HEARING, hearing.id, "status", hearing.status,
           HearingStatus.PUBLISHED.value, editor)  # fmt: skip
    hearing.published_at = published_at
    hearing.status = HearingStatus.PUBLISHED
    session.flush()
