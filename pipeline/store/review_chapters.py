"""Editors' changes to chapters: texts, boundaries, splits, merges, review states, publishing.

Every change sets the chapter's `edited_by`/`edited_at` (so no pipeline re-run replaces it:
the store's rule) and records `Edit` rows. A text save names the chapter version the editor
saw; a structural change names the chapter starts they saw; either is refused as a conflict
when the chapter or the layout changed since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, HearingStatus, ReviewState, TranscriptLine
from pipeline.chapters.editing import merge_with_next, move_start, split_at
from pipeline.chapters.tiling import Span
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


def _set(session: Session, chapter: Chapter, field: str, value: object, editor: str) -> bool:
    before = getattr(chapter, field)
    before = list(before) if isinstance(before, list) else before
    if before == value:
        return False
    setattr(chapter, field, value)
    record(session, chapter.hearing_id, CHAPTER, chapter.id, field, before, value, editor)
    return True


def _touch(chapter: Chapter, editor: str) -> None:
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
        _set(session, chapter, field, getattr(text, field), editor)
        for field in ("kind", "title", "summary", "bullets")
    ]
    if any(changed):
        _touch(chapter, editor)
    session.flush()
    return chapter


def mark_generated(
    session: Session, chapter: Chapter, generator: str, prompt_version: str, editor: str
) -> None:
    """The chapter's texts are a model's again (an accepted proposal)."""
    _set(session, chapter, "generator", generator, editor)
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
    if _set(session, chapter, "review_state", state, editor):
        _touch(chapter, editor)
    session.flush()
    return chapter


def approve_remaining(session: Session, hearing: Hearing, editor: str) -> int:
    """Approve every draft chapter; rejected ones stay rejected."""
    drafts = [c for c in hearing.chapters if c.review_state == ReviewState.DRAFT]
    for chapter in drafts:
        _set(session, chapter, "review_state", ReviewState.APPROVED.value, editor)
        _touch(chapter, editor)
    session.flush()
    return len(drafts)


def publish(session: Session, hearing: Hearing, editor: str) -> None:
    """Mark a fully approved hearing published; nothing unapproved is ever published."""
    if not hearing.chapters:
        raise ReviewError("a hearing without chapters cannot be published")
    done = (ReviewState.APPROVED, ReviewState.PUBLISHED)
    waiting = [c for c in hearing.chapters if c.review_state not in done]
    if waiting:
        raise ReviewError(
            f"{len(waiting)} chapter(s) are not approved yet; approve every chapter first"
        )
    for chapter in hearing.chapters:
        if chapter.review_state == ReviewState.APPROVED:
            _set(session, chapter, "review_state", ReviewState.PUBLISHED.value, editor)
            _touch(chapter, editor)
    published_at = now()
    before = hearing.published_at.isoformat() if hearing.published_at else None
    record(session, hearing.id, HEARING, hearing.id, "published_at", before,
           published_at.isoformat(), editor)  # fmt: skip
    record(session, hearing.id, HEARING, hearing.id, "status", hearing.status,
           HearingStatus.PUBLISHED.value, editor)  # fmt: skip
    hearing.published_at = published_at
    hearing.status = HearingStatus.PUBLISHED
    session.flush()


def layout(chapters: Sequence[Chapter]) -> str:
    """The chapter starts as an editor saw them: the token for structural conflict checks."""
    return ",".join(str(chapter.start_line) for chapter in chapters)


def _spans(chapters: Sequence[Chapter]) -> list[Span]:
    return [Span(c.start_line, c.stop_line, ChapterKind(c.kind)) for c in chapters]


def _line_times(session: Session, hearing: Hearing) -> list[tuple[float, float]]:
    query = (
        select(TranscriptLine.start, TranscriptLine.end)
        .where(TranscriptLine.hearing_id == hearing.id)
        .order_by(TranscriptLine.line_index)
    )
    return [(start, end) for start, end in session.execute(query)]


def _position(chapters: Sequence[Chapter], chapter_id: int) -> int:
    for position, chapter in enumerate(chapters):
        if chapter.id == chapter_id:
            return position
    raise ReviewError("that chapter is no longer part of this hearing")


def restructure(
    session: Session,
    hearing: Hearing,
    chapter_id: int,
    seen_layout: str,
    action: str,
    line: int | None,
    editor: str,
) -> None:
    """Move a chapter's start, split it at a line, or merge it with the next one."""
    chapters = sorted(hearing.chapters, key=lambda chapter: chapter.position)
    if layout(chapters) != seen_layout:
        raise ReviewConflict(
            "the chapters of this hearing were changed after you opened it; reload to see them"
        )
    position = _position(chapters, chapter_id)
    times = _line_times(session, hearing)
    spans = _spans(chapters)
    if action == "merge":
        new_spans = merge_with_next(spans, position, len(times))
    elif line is None:
        raise ReviewError("give the line number")
    elif action == "move":
        new_spans = move_start(spans, position, line, len(times))
    elif action == "split":
        new_spans = split_at(spans, position, line, len(times))
    else:
        raise ReviewError(f"unknown chapter change {action!r}")
    _apply_spans(session, hearing, chapters, new_spans, times, editor)


def _apply_spans(
    session: Session,
    hearing: Hearing,
    chapters: list[Chapter],
    spans: list[Span],
    times: list[tuple[float, float]],
    editor: str,
) -> None:
    """Give each new span its chapter: the same one when a boundary moved, else matched by
    start line (a split adds a chapter, a merge absorbs one)."""
    before = [[c.start_line, c.stop_line] for c in chapters]
    if len(spans) == len(chapters):
        owners: list[Chapter | None] = list(chapters)
    else:
        by_start = {chapter.start_line: chapter for chapter in chapters}
        owners = [by_start.get(span.start_line) for span in spans]
    sources = [
        owner or _containing(chapters, span.start_line, None)
        for span, owner in zip(spans, owners, strict=True)
    ]
    for chapter in [c for c in chapters if c not in owners]:
        _absorb(session, hearing, chapter, chapters, editor)
    for offset, chapter in enumerate(hearing.chapters, start=1):
        chapter.position = -offset  # positions are unique: out of the way before renumbering
    session.flush()
    for position, (span, owner, source) in enumerate(zip(spans, owners, sources, strict=True)):
        chapter = owner or _split_off(session, hearing, span, source, editor)
        old = [chapter.start_line, chapter.stop_line]
        if old != [span.start_line, span.stop_line]:
            record(session, hearing.id, CHAPTER, chapter.id, "lines", old,
                   [span.start_line, span.stop_line], editor)  # fmt: skip
            _touch(chapter, editor)
        chapter.position = position
        chapter.start_line, chapter.stop_line = span.start_line, span.stop_line
        chapter.start, chapter.end = times[span.start_line][0], times[span.stop_line - 1][1]
    after = [[span.start_line, span.stop_line] for span in spans]
    record(session, hearing.id, HEARING, hearing.id, "chapters", before, after, editor)
    session.flush()


def _containing(chapters: Sequence[Chapter], line: int, skip: Chapter | None) -> Chapter:
    return next(c for c in chapters if c is not skip and c.start_line <= line < c.stop_line)


def _absorb(
    session: Session, hearing: Hearing, gone: Chapter, chapters: list[Chapter], editor: str
) -> None:
    """A merged-away chapter: its bullets join the chapter before it, then it is deleted."""
    keeper = _containing(chapters, gone.start_line - 1, gone)
    if gone.bullets:
        _set(session, keeper, "bullets", [*keeper.bullets, *gone.bullets][:MAX_BULLETS], editor)
    record(session, gone.hearing_id, CHAPTER, gone.id, "deleted",
           {"title": gone.title, "lines": [gone.start_line, gone.stop_line]}, None,
           editor)  # fmt: skip
    chapters.remove(gone)
    hearing.chapters.remove(gone)  # delete-orphan: the row goes at the next flush


def _split_off(
    session: Session, hearing: Hearing, span: Span, source: Chapter, editor: str
) -> Chapter:
    """The second part of a split chapter: a person's chapter, a draft with the same kind."""
    chapter = Chapter(
        hearing_id=hearing.id,
        position=-len(hearing.chapters) - 1,
        kind=span.kind.value,
        title=f"{source.title} (continued)"[:MAX_TITLE],
        summary="",
        bullets=[],
        start_line=span.start_line,
        stop_line=span.stop_line,
        start=0.0,
        end=0.0,
        review_state=ReviewState.DRAFT,
        generator="human",
        edited_by=editor,
        edited_at=now(),
    )
    hearing.chapters.append(chapter)
    session.flush()
    record(session, hearing.id, CHAPTER, chapter.id, "created", None,
           {"split_from": source.id, "lines": [span.start_line, span.stop_line]},
           editor)  # fmt: skip
    return chapter
