"""Store a hearing's lines, speakers and chapters from its artifacts, keeping human edits.

Everything for one hearing is written in the caller's transaction, so readers see the old
rows or the new ones, never a mix. Machine output is replaced; a speaker or chapter that a
person edited, approved or wrote is never overwritten or removed. When the lines change, a
person's chapter moves to the new lines of its time span and a person's speaker name to the
label of its voice (`pipeline.store.anchoring`); what cannot be placed is kept aside with a
review flag, never shown over other lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, ReviewState, TranscriptLine
from pipeline.errors import HearingsError
from pipeline.schemas import Chapter as ChapterOutput
from pipeline.schemas import Chapters, Lines, SpeakerIdentities
from pipeline.store.anchoring import anchor_span, same_lines
from pipeline.store.search import refresh_search_index
from pipeline.store.speaker_merge import merge_speakers, speaker_is_persons

PERSON_REVIEW_STATES = {ReviewState.APPROVED, ReviewState.PUBLISHED}
__all__ = ["StoreError", "speaker_is_persons", "store_hearing_outputs"]


class StoreError(HearingsError, ValueError):
    """The artifacts to store do not fit together."""


@dataclass(frozen=True)
class StoreReport:
    lines: int
    speakers_written: int
    speakers_kept: int
    chapters_written: int
    chapters_kept: int

    def describe(self) -> str:
        return (
            f"{self.lines} lines, {self.speakers_written} speakers "
            f"({self.speakers_kept} edited kept), {self.chapters_written} chapters "
            f"({self.chapters_kept} edited kept)"
        )


def chapter_is_persons(chapter: Chapter) -> bool:
    return (
        chapter.edited_by is not None
        or chapter.generator == "human"
        or chapter.review_state in PERSON_REVIEW_STATES
    )


def store_hearing_outputs(
    session: Session,
    hearing: Hearing,
    lines: Lines,
    speakers: SpeakerIdentities,
    chapters: Chapters,
) -> StoreReport:
    """Replace the machine output of `hearing` inside the current transaction; a person's
    chapters and speaker names move to the new lines (or are kept aside, flagged)."""
    if chapters.line_count != len(lines.lines):
        raise StoreError(
            f"chapters.json covers {chapters.line_count} lines but lines.json has "
            f"{len(lines.lines)}: re-run the chapter stage"
        )
    previous = _stored_lines(session, hearing)
    speakers_written, speakers_kept = merge_speakers(
        session, hearing, previous, lines, speakers.speakers
    )
    chapters_written, chapters_kept = _merge_chapters(session, hearing, previous, lines, chapters)
    _replace_lines(session, hearing, lines)
    hearing.summary = chapters.summary or hearing.summary
    if lines.lines:
        hearing.duration_seconds = max(hearing.duration_seconds or 0.0, lines.lines[-1].end)
    refresh_search_index(session, hearing)
    return StoreReport(
        len(lines.lines), speakers_written, speakers_kept, chapters_written, chapters_kept
    )


def _stored_lines(session: Session, hearing: Hearing) -> list[TranscriptLine]:
    query = (
        select(TranscriptLine)
        .where(TranscriptLine.hearing_id == hearing.id)
        .order_by(TranscriptLine.line_index)
    )
    return list(session.scalars(query))


def _replace_lines(session: Session, hearing: Hearing, lines: Lines) -> None:
    session.execute(delete(TranscriptLine).where(TranscriptLine.hearing_id == hearing.id))
    session.add_all(
        TranscriptLine(
            hearing_id=hearing.id,
            line_index=line.index,
            speaker_label=line.speaker_label,
            start=line.start,
            end=line.end,
            text=line.text,
        )
        for line in lines.lines
    )


def _uncovered_pieces(start: int, stop: int, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, stop) outside every range in `taken` (sorted)."""
    pieces, cursor = [], start
    for taken_start, taken_stop in taken:
        if taken_stop <= cursor or taken_start >= stop:
            continue
        if taken_start > cursor:
            pieces.append((cursor, taken_start))
        cursor = max(cursor, taken_stop)
    if cursor < stop:
        pieces.append((cursor, stop))
    return pieces


def _chapter_row(
    hearing: Hearing, lines: Lines, chapter: ChapterOutput, start_line: int, stop_line: int
) -> Chapter:
    return Chapter(
        hearing_id=hearing.id,
        position=0,
        kind=chapter.kind.value,
        title=chapter.title,
        summary=chapter.summary,
        bullets=list(chapter.bullets),
        people=[
            person.model_dump(mode="json")
            for person in chapter.people
            if _speaks_in(lines, person.label, start_line, stop_line)
        ],
        start_line=start_line,
        stop_line=stop_line,
        start=lines.lines[start_line].start,
        end=lines.lines[stop_line - 1].end,
        review_state=ReviewState.DRAFT,
        generator=chapter.provenance.generator,
        prompt_version=chapter.provenance.prompt_version,
    )


def _detach(chapter: Chapter, reason: str) -> None:
    """Keep the chapter for review outside the tiling, pointing at no line."""
    chapter.detached = True
    chapter.start_line = chapter.stop_line = 0
    chapter.review_flag = f"kept aside: {reason}; place it again or delete it"


def _reanchor(chapter: Chapter, previous: list[TranscriptLine], lines: Lines) -> None:
    anchor = anchor_span(previous[chapter.start_line : chapter.stop_line], lines.lines)
    if anchor.reason is not None:
        _detach(chapter, anchor.reason)
        return
    chapter.start_line, chapter.stop_line = anchor.start_line, anchor.stop_line
    if anchor.text_score < 100:
        chapter.review_flag = (
            f"moved to the new transcript's lines ({anchor.text_score:.0f} % same words)"
        )


def _place_persons_chapters(
    persons: list[Chapter], previous: list[TranscriptLine], lines: Lines
) -> list[Chapter]:
    """The person's chapters that tile the new lines, in order; the others are detached."""
    if not same_lines(previous, lines.lines):
        for chapter in persons:
            if not chapter.detached:
                _reanchor(chapter, previous, lines)
    placed: list[Chapter] = []
    for chapter in sorted(persons, key=lambda c: (c.detached, c.start_line)):
        if chapter.detached:
            continue
        if placed and chapter.start_line < placed[-1].stop_line:
            _detach(chapter, f"its lines now overlap the chapter {placed[-1].title!r}")
            continue
        chapter.start = lines.lines[chapter.start_line].start
        chapter.end = lines.lines[chapter.stop_line - 1].end
        placed.append(chapter)
    return placed
def _speaks_in(lines: Lines, label: str, start_line: int, stop_line: int) -> bool:
    """Whether `label` speaks in lines [start_line, stop_line) (a chapter cut around a
    person's edited chapter keeps only its own people)."""
    return any(line.speaker_label == label for line in lines.lines[start_line:stop_line])


def _merge_chapters(
    session: Session,
    hearing: Hearing,
    previous: list[TranscriptLine],
    lines: Lines,
    chapters: Chapters,
) -> tuple[int, int]:
    """Keep a person's chapters and fill the lines around them with the new machine chapters."""
    current = list(session.scalars(select(Chapter).where(Chapter.hearing_id == hearing.id)))
    persons = [chapter for chapter in current if chapter_is_persons(chapter)]
    for chapter in current:
        if chapter not in persons:
            session.delete(chapter)
    # Positions are unique per hearing: move kept chapters out of the way before renumbering.
    for offset, chapter in enumerate(persons, start=1):
        chapter.position = -offset
    session.flush()
    placed = _place_persons_chapters(persons, previous, lines)
    taken = [(chapter.start_line, chapter.stop_line) for chapter in placed]
    fresh = [
        _chapter_row(hearing, lines, chapter, start, stop)
        for chapter in chapters.chapters
        for start, stop in _uncovered_pieces(chapter.start_line, chapter.stop_line, taken)
    ]
    tiling = sorted([*placed, *fresh], key=lambda chapter: chapter.start_line)
    aside = sorted((c for c in persons if c.detached), key=lambda chapter: chapter.start)
    for position, chapter in enumerate([*tiling, *aside]):
        chapter.position = position
    session.add_all(fresh)
    return len(fresh), len(persons)
