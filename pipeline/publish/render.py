"""HTML and Atom from the published documents, through Jinja2 with autoescaping everywhere."""

from __future__ import annotations

import bisect
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline.formatting import chapter_heading, clock, hearing_length, video_at
from pipeline.publish.document import ChapterInfo, HearingDocument, LineInfo, SpeakerInfo
from pipeline.sources.events import NEW_YORK

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = Path(__file__).parent / "static" / "style.css"
SITE_TITLE = "Hearings"
FEED_ENTRIES = 50


def local_date(moment: datetime | None) -> str:
    if moment is None:
        return "date unknown"
    local = moment.astimezone(NEW_YORK)
    return f"{local:%A, %B} {local.day}, {local.year}"


def local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(NEW_YORK)
    return f"{local.hour % 12 or 12}:{local:%M %p}"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        clock=clock, duration_words=hearing_length, local_date=local_date, local_time=local_time
    )
    environment.globals.update(site_title=SITE_TITLE, chapter_heading=chapter_heading)
    return environment


ENVIRONMENT = _environment()


def templates_fingerprint() -> str:
    """Changes when a template or the stylesheet does, so every page is rendered again."""
    digest = hashlib.sha256()
    for path in sorted([*TEMPLATES.glob("*"), STYLESHEET]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@dataclass
class Turn:
    """Consecutive lines of one speaker: a name header, then one sentence per line."""

    speaker: SpeakerInfo
    lines: list[LineInfo] = field(default_factory=list)

    @property
    def role(self) -> str:
        return " · ".join(part for part in (self.speaker.role, self.speaker.organization) if part)


def turns(document: HearingDocument, chapter: ChapterInfo) -> list[Turn]:
    speakers = {speaker.label: speaker for speaker in document.speakers}
    first = bisect.bisect_left(document.lines, chapter.start_line, key=lambda line: line.index)
    last = bisect.bisect_left(document.lines, chapter.stop_line, key=lambda line: line.index)
    grouped: list[Turn] = []
    for line in document.lines[first:last]:
        if not grouped or grouped[-1].speaker.label != line.speaker_label:
            grouped.append(Turn(speakers[line.speaker_label]))
        grouped[-1].lines.append(line)
    return grouped


def render_chapter(document: HearingDocument, position: int) -> str:
    chapters = document.chapters
    chapter = chapters[position]
    video = document.hearing.video_url

    def line_link(line: LineInfo) -> str:
        return video_at(video, line.start) or f"#line-{line.index}"

    return ENVIRONMENT.get_template("chapter.html").render(
        root="../../../",
        hearing=document.hearing,
        chapter=chapter,
        turns=turns(document, chapter),
        previous=chapters[position - 1] if position > 0 else None,
        next=chapters[position + 1] if position + 1 < len(chapters) else None,
        line_link=line_link,
        video_link=video_at(video, chapter.start),
    )


def render_hearing(document: HearingDocument) -> str:
    return ENVIRONMENT.get_template("hearing.html").render(
        root="../", document=document, hearing=document.hearing
    )


def render_redirect(target: str, title: str, root: str) -> str:
    return ENVIRONMENT.get_template("redirect.html").render(root=root, target=target, title=title)


def _by_committee(documents: list[HearingDocument]) -> list[tuple[str, list[HearingDocument]]]:
    groups: dict[str, list[HearingDocument]] = {}
    for document in documents:
        groups.setdefault(document.hearing.committee or document.hearing.title, []).append(document)
    return sorted(groups.items(), key=lambda item: item[0].lower())


def _by_date(documents: list[HearingDocument]) -> list[tuple[str, list[HearingDocument]]]:
    groups: dict[str, list[HearingDocument]] = {}
    for document in documents:
        groups.setdefault(local_date(document.hearing.scheduled_at), []).append(document)
    return list(groups.items())


def newest_first(documents: list[HearingDocument]) -> list[HearingDocument]:
    return sorted(
        documents,
        key=lambda document: (
            document.hearing.scheduled_at is not None,
            document.hearing.scheduled_at or datetime.min,
            document.hearing.slug,
        ),
        reverse=True,
    )


def render_index(documents: list[HearingDocument]) -> str:
    ordered = newest_first(documents)
    return ENVIRONMENT.get_template("index.html").render(
        root="", by_date=_by_date(ordered), by_committee=_by_committee(ordered)
    )


def entry_id(base_url: str, slug: str) -> str:
    """A permanent Atom id: the page's address when the site has one, else a name-based UUID."""
    if base_url:
        return f"{base_url}/{slug}/"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"hearings:{slug}").urn


def render_feed(documents: list[HearingDocument], base_url: str, now: datetime) -> str:
    """Atom: the newest publications first (the first time each hearing went out)."""
    published = sorted(
        documents, key=lambda document: document.first_published or now, reverse=True
    )[:FEED_ENTRIES]
    updated = max((document.updated or now for document in documents), default=now)
    return ENVIRONMENT.get_template("feed.xml").render(
        documents=published,
        base_url=base_url,
        feed_id=entry_id(base_url, "feed"),
        entry_id=entry_id,
        updated=updated,
    )
