"""The hearing page's data: chapters with their lines, speakers, roster and the video."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from markupsafe import Markup
from sqlalchemy.orm import Session

from flows.roster import roster_or_empty
from models import Chapter, Hearing, ReviewState, Speaker
from pipeline.artifacts import ArtifactError, ArtifactStore
from pipeline.config import Settings
from pipeline.review.speaker_fixes import speakers_of
from pipeline.review.structure_edits import layout
from pipeline.review.transcript_html import lines_html
from pipeline.schemas import SourceInfo
from pipeline.store.review_queries import LONG_CHAPTER_SECONDS, LineRow, transcript


@dataclass(frozen=True)
class ChapterBlock:
    chapter: Chapter
    lines_html: Markup
    is_long: bool
    is_first: bool
    is_last: bool


def local_media(settings: Settings, slug: str) -> Path | None:
    """The media file acquire stored in the hearing's folder, if any."""
    store = ArtifactStore(settings.hearings_dir)
    try:
        source = store.read(slug, "source", SourceInfo)
    except (ArtifactError, ValueError):
        return None
    folder = store.hearing_dir(slug).resolve()
    path = (folder / source.media_file).resolve()
    return path if path.parent == folder and path.is_file() else None


def media_url(settings: Settings, hearing: Hearing, media_route: str) -> str | None:
    if local_media(settings, hearing.slug) is not None:
        return media_route
    if hearing.video_url and urlparse(hearing.video_url).scheme == "https":
        return hearing.video_url
    return None


def chapter_blocks(
    chapters: list[Chapter], lines: list[LineRow], names: dict[str, str]
) -> list[ChapterBlock]:
    blocks = []
    for position, chapter in enumerate(chapters):
        # Each chapter opens with its first speaker's name, even mid-turn.
        shown = lines_html(lines[chapter.start_line : chapter.stop_line], names, None)
        is_long = chapter.end - chapter.start > LONG_CHAPTER_SECONDS
        blocks.append(
            ChapterBlock(chapter, shown, is_long, position == 0, position == len(chapters) - 1)
        )
    return blocks


def hearing_context(
    session: Session, settings: Settings, hearing: Hearing, media_route: str
) -> dict[str, Any]:
    chapters = sorted(
        (chapter for chapter in hearing.chapters if not chapter.detached),
        key=lambda chapter: chapter.position,
    )  # a chapter kept aside after a new transcript points at no lines
    speakers: list[Speaker] = speakers_of(session, hearing)
    names = {speaker.label: speaker.display_name for speaker in speakers}
    lines = transcript(session, hearing.id)
    approved = sum(
        c.review_state in (ReviewState.APPROVED, ReviewState.PUBLISHED) for c in chapters
    )
    return {
        "hearing": hearing,
        "blocks": chapter_blocks(chapters, lines, names),
        "speakers": speakers,
        "roster": roster_or_empty(session, hearing.id),
        "media_url": media_url(settings, hearing, media_route),
        "layout": layout(chapters),
        "approved": approved,
        "drafts": sum(c.review_state == ReviewState.DRAFT for c in chapters),
        # Everything approved, and something new to publish (the first time, or new approvals).
        "can_publish": bool(chapters)
        and approved == len(chapters)
        and (
            hearing.published_at is None
            or any(c.review_state == ReviewState.APPROVED for c in chapters)
        ),
        "line_count": len(lines),
    }
