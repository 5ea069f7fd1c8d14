"""Editors' changes to chapter boundaries: move a chapter's start, split, merge with the next.

The new spans come from `pipeline.chapters.editing`, i.e. the pipeline's own tiling. A change
names the chapter starts the editor saw (`layout`) and is refused as a conflict when they
changed since; each chapter whose lines change records an `Edit` of `lines`, and the
hearing one of `chapters` (all spans before and after).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, ReviewState, TranscriptLine
from pipeline.chapters.editing import merge_with_next, move_start, split_at
from pipeline.chapters.tiling import Span
from pipeline.schemas import ChapterKind
from pipeline.store.review_chapters import MAX_BULLETS, MAX_TITLE, set_field, touch
from pipeline.store.review_history import CHAPTER, HEARING, ReviewConflict, ReviewError, now, record


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
    chapters = sorted(
        (chapter for chapter in hearing.chapters if not chapter.detached),
        key=lambda chapter: chapter.position,
    )  # a chapter kept aside after a new transcript is outside the tiling
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
            touch(chapter, editor)
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
        bullets = [*keeper.bullets, *gone.bullets][:MAX_BULLETS]
        set_field(session, keeper, "bullets", bullets, editor)
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
