"""Store a hearing's lines, speakers and chapters from its artifacts, keeping human edits.

Everything for one hearing is written in the caller's transaction, so readers see the old
rows or the new ones, never a mix. Machine output is replaced; a speaker or chapter that a
person edited, approved or wrote is never overwritten or removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import Chapter, Hearing, Person, ReviewState, Speaker, TranscriptLine
from pipeline.errors import HearingsError
from pipeline.schemas import Chapter as ChapterOutput
from pipeline.schemas import Chapters, IdentityMethod, Lines, SpeakerIdentities, SpeakerIdentity
from pipeline.store.search import refresh_search_index

PERSON_REVIEW_STATES = {ReviewState.APPROVED, ReviewState.PUBLISHED}


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


def speaker_is_persons(speaker: Speaker) -> bool:
    return speaker.edited_by is not None or speaker.method == IdentityMethod.HUMAN


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
    """Replace the machine output of `hearing` inside the current transaction."""
    if chapters.line_count != len(lines.lines):
        raise StoreError(
            f"chapters.json covers {chapters.line_count} lines but lines.json has "
            f"{len(lines.lines)}: re-run the chapter stage"
        )
    _replace_lines(session, hearing, lines)
    speakers_written, speakers_kept = _merge_speakers(session, hearing, speakers.speakers)
    chapters_written, chapters_kept = _merge_chapters(session, hearing, lines, chapters)
    hearing.summary = chapters.summary or hearing.summary
    if lines.lines:
        hearing.duration_seconds = max(hearing.duration_seconds or 0.0, lines.lines[-1].end)
    refresh_search_index(session, hearing)
    return StoreReport(
        len(lines.lines), speakers_written, speakers_kept, chapters_written, chapters_kept
    )


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


def _speaker_fields(identity: SpeakerIdentity) -> dict[str, object]:
    return {
        "person_id": identity.person_id,
        "name": identity.name,
        "display_name": identity.display_name,
        "role": identity.role,
        "organization": identity.organization,
        "confidence": identity.confidence,
        "method": identity.method.value,
    }


def _merge_speakers(
    session: Session, hearing: Hearing, identities: list[SpeakerIdentity]
) -> tuple[int, int]:
    existing = {
        speaker.label: speaker
        for speaker in session.scalars(select(Speaker).where(Speaker.hearing_id == hearing.id))
    }
    kept = {label for label, speaker in existing.items() if speaker_is_persons(speaker)}
    wanted = {identity.person_id for identity in identities if identity.person_id is not None}
    known = set(session.scalars(select(Person.id).where(Person.id.in_(wanted))))
    written = 0
    for identity in identities:
        if identity.label in kept:
            continue
        fields = _speaker_fields(identity)
        if fields["person_id"] not in known:
            fields["person_id"] = None  # a roster.json older than the database's people
        row = existing.pop(identity.label, None)
        if row is None:
            session.add(Speaker(hearing_id=hearing.id, label=identity.label, **fields))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
        written += 1
    for label, stale in existing.items():
        if label not in kept:
            session.delete(stale)
    return written, len(kept)


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


def _speaks_in(lines: Lines, label: str, start_line: int, stop_line: int) -> bool:
    """Whether `label` speaks in lines [start_line, stop_line) (a chapter cut around a
    person's edited chapter keeps only its own people)."""
    return any(line.speaker_label == label for line in lines.lines[start_line:stop_line])


def _merge_chapters(
    session: Session, hearing: Hearing, lines: Lines, chapters: Chapters
) -> tuple[int, int]:
    """Keep a person's chapters and fill the lines around them with the new machine chapters."""
    current = list(session.scalars(select(Chapter).where(Chapter.hearing_id == hearing.id)))
    kept = sorted((c for c in current if chapter_is_persons(c)), key=lambda c: c.start_line)
    for chapter in current:
        if chapter not in kept:
            session.delete(chapter)
    # Positions are unique per hearing: move kept chapters out of the way before renumbering.
    for offset, chapter in enumerate(kept, start=1):
        chapter.position = -offset
    session.flush()
    taken = [(chapter.start_line, chapter.stop_line) for chapter in kept]
    fresh = [
        _chapter_row(hearing, lines, chapter, start, stop)
        for chapter in chapters.chapters
        for start, stop in _uncovered_pieces(chapter.start_line, chapter.stop_line, taken)
    ]
    ordered = sorted([*kept, *fresh], key=lambda chapter: chapter.start_line)
    for position, chapter in enumerate(ordered):
        chapter.position = position
    session.add_all(fresh)
    return len(fresh), len(kept)
