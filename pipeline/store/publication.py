"""Which hearings and chapters readers may see, and the slugs their pages keep forever.

A hearing is public when its status is `published`; inside it, only chapters an editor
approved (or published) are. Slugs are fixed the first time a page is published: a later
title edit changes the page's title, never its URL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, selectinload

from models import (
    Chapter,
    ChapterPage,
    Hearing,
    HearingPage,
    HearingStatus,
    ReviewState,
    TranscriptLine,
)
from pipeline.errors import HearingsError

PUBLIC_CHAPTER_STATES = frozenset({ReviewState.APPROVED, ReviewState.PUBLISHED})


class PublicationError(HearingsError, LookupError):
    """The hearing to publish does not exist."""


def is_public(hearing: Hearing, chapter: Chapter | None) -> bool:
    if hearing.status != HearingStatus.PUBLISHED or chapter is None:
        return False
    # A chapter kept aside after a new transcript points at no lines until a person places it.
    return chapter.review_state in PUBLIC_CHAPTER_STATES and not chapter.detached


def public_chapters(hearing: Hearing) -> list[Chapter]:
    return [chapter for chapter in hearing.chapters if is_public(hearing, chapter)]


def mark_hearing_published(session: Session, slug: str) -> Hearing:
    """The editors' publish action: the hearing goes public, its approved chapters with it."""
    hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
    if hearing is None:
        raise PublicationError(f"no hearing {slug!r}")
    hearing.status = HearingStatus.PUBLISHED
    for chapter in hearing.chapters:
        if chapter.review_state == ReviewState.APPROVED:
            chapter.review_state = ReviewState.PUBLISHED
    return hearing


def published_hearings(session: Session, slugs: list[str] | None = None) -> list[Hearing]:
    """Published hearings (all, or those among `slugs`) with everything a page shows."""
    query = (
        select(Hearing)
        .where(Hearing.status == HearingStatus.PUBLISHED)
        .options(
            selectinload(Hearing.speakers),
            selectinload(Hearing.chapters),
        )
        .order_by(Hearing.scheduled_at, Hearing.id)
    )
    if slugs is not None:
        query = query.where(Hearing.slug.in_(slugs))
    return list(session.scalars(query))


def transcript_rows(session: Session, hearing_id: int) -> list[Row[Any]]:
    """(line_index, speaker_label, start, end, text) in order: plain rows, no ORM objects,
    since a long hearing has thousands of lines."""
    columns = (TranscriptLine.line_index, TranscriptLine.speaker_label, TranscriptLine.start,
               TranscriptLine.end, TranscriptLine.text)  # fmt: skip
    query = select(*columns).where(TranscriptLine.hearing_id == hearing_id)
    return list(session.execute(query.order_by(TranscriptLine.line_index)))


def hearing_page(session: Session, hearing: Hearing, wanted: str, now: datetime) -> HearingPage:
    """The hearing's page record, made the first time it is published: with the slug
    `wanted` (a number added if another hearing has it), kept from then on."""
    page = session.get(HearingPage, hearing.id)
    if page is not None:
        return page
    taken = set(
        session.scalars(select(HearingPage.slug).where(HearingPage.slug.like(f"{wanted}%")))
    )
    page = HearingPage(
        hearing_id=hearing.id, slug=unique_slug(wanted, taken), first_published_at=now
    )
    session.add(page)
    session.flush()
    return page


def chapter_slugs(
    session: Session, hearing: Hearing, chapters: list[Chapter], wanted: Callable[[Chapter], str]
) -> dict[int, str]:
    """Each chapter's slug: the one it was first published under, or else `wanted(chapter)`
    made unique within the hearing."""
    pages = list(session.scalars(select(ChapterPage).where(ChapterPage.hearing_id == hearing.id)))
    by_chapter = {page.chapter_id: page.slug for page in pages if page.chapter_id is not None}
    taken = {page.slug for page in pages}
    for chapter in chapters:
        if chapter.id in by_chapter:
            continue
        slug = unique_slug(wanted(chapter), taken)
        taken.add(slug)
        by_chapter[chapter.id] = slug
        session.add(ChapterPage(hearing_id=hearing.id, chapter_id=chapter.id, slug=slug))
    session.flush()
    return {chapter.id: by_chapter[chapter.id] for chapter in chapters}


def unique_slug(wanted: str, taken: set[str]) -> str:
    slug, number = wanted, 1
    while slug in taken:
        number += 1
        slug = f"{wanted}-{number}"
    return slug


def retired_chapter_slugs(session: Session, hearing: Hearing, live: set[str]) -> list[str]:
    """Slugs once published in this hearing whose chapter is gone or no longer public."""
    pages = session.scalars(select(ChapterPage.slug).where(ChapterPage.hearing_id == hearing.id))
    return sorted(slug for slug in pages if slug not in live)


def record_content(page: HearingPage, content_fingerprint: str, now: datetime) -> bool:
    """Remember what the hearing's pages show; True when it differs from last time."""
    if page.content_fingerprint == content_fingerprint:
        return False
    page.content_fingerprint = content_fingerprint
    page.content_changed_at = now
    return True
