"""`hearing.json`: the published hearing as open data, with a versioned, documented schema.

The pydantic models below are the schema: `hearing.schema.json` at the site root is
generated from them (JSON Schema 2020-12) and every `hearing.json` names its
`schema_version`. Adding an optional field keeps the version; renaming, removing or
changing the meaning of a field raises it. Only what readers may see is in it: chapters an
editor approved and the transcript lines inside them (line indices are the hearing's own,
so gaps mark unpublished stretches). Times are seconds from the start of the video.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Row

from models import Chapter, Hearing
from pipeline.formatting import kind_label, public_video_url
from pipeline.store.publication import public_chapters

SCHEMA_VERSION = 1
SCHEMA_FILE = "hearing.schema.json"


class Open(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgendaItem(Open):
    matter_file: str | None = Field(None, description="Legistar file number, e.g. 'Int 1234-2024'")
    title: str | None = Field(None, description="what the item is about")
    matter_type: str | None = Field(None, description="e.g. 'Introduction', 'Oversight'")
    action: str | None = Field(None, description="what the committee did, e.g. 'Hearing Held'")


class HearingInfo(Open):
    slug: str = Field(description="the hearing's folder on the site; never changes")
    title: str
    committee: str | None = Field(None, description="the body holding the hearing")
    joint_with: list[str] = Field(default_factory=list, description="other bodies, if joint")
    scheduled_at: datetime | None = Field(None, description="start, ISO 8601 with offset")
    duration_seconds: float | None = Field(None, ge=0)
    summary: str = ""
    video_url: str | None = Field(None, description="the public video (http or https)")
    legistar_event_id: int | None = None
    agenda: list[AgendaItem] = Field(default_factory=list)


class SpeakerInfo(Open):
    label: str = Field(description="the speaker's key in `lines`, e.g. 'SPEAKER_03'")
    display_name: str = Field(description="the name shown; 'Speaker 3' when not known")
    name: str | None = Field(None, description="the person's name when identified")
    role: str | None = None
    organization: str | None = None


class ChapterPersonInfo(Open):
    label: str = Field(description="the speaker's key in `lines`")
    name: str = Field(description="the person's name, or 'Speaker N' when not known")
    role: str = Field(description="what they do in the chapter: asks, answers, testifies, …")


class ChapterInfo(Open):
    slug: str = Field(description="the chapter's page: /{hearing slug}/chapter/{slug}/")
    number: int = Field(ge=1, description="position among the published chapters")
    kind: str = Field(description="opening_remarks, agency_testimony, qa, vote, …")
    kind_label: str = Field(description="the kind as shown, e.g. 'Q&A'")
    title: str
    summary: str = ""
    bullets: list[str] = Field(default_factory=list)
    people: list[ChapterPersonInfo] = Field(default_factory=list, description="who takes part")
    start: float = Field(ge=0, description="seconds")
    end: float = Field(ge=0, description="seconds")
    start_line: int = Field(ge=0, description="index of its first line")
    stop_line: int = Field(ge=0, description="index after its last line")


class LineInfo(Open):
    index: int = Field(ge=0)
    speaker_label: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str


class HearingDocument(Open):
    schema_version: Literal[1] = Field(SCHEMA_VERSION, description="raised on breaking change")
    hearing: HearingInfo
    speakers: list[SpeakerInfo]
    chapters: list[ChapterInfo]
    lines: list[LineInfo]
    first_published: datetime | None = None
    updated: datetime | None = None

    def content_json(self) -> str:
        """Everything a page shows, without the publication times (for change detection)."""
        return self.model_dump_json(exclude={"first_published", "updated"})


def schema_json() -> str:
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"hearing.json, schema version {SCHEMA_VERSION}",
        **HearingDocument.model_json_schema(),
    }
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _agenda(hearing: Hearing) -> list[AgendaItem]:
    fields = AgendaItem.model_fields
    items = hearing.details.get("agenda") or []
    return [
        AgendaItem(**{key: item.get(key) for key in fields})
        for item in items
        if isinstance(item, dict) and (item.get("title") or item.get("matter_file"))
    ]


def _hearing_info(hearing: Hearing, page_slug: str) -> HearingInfo:
    return HearingInfo(
        slug=page_slug,
        title=hearing.title,
        committee=hearing.body_name,
        joint_with=[str(name) for name in hearing.details.get("joint_with") or []],
        scheduled_at=hearing.scheduled_at,
        duration_seconds=hearing.duration_seconds,
        summary=hearing.summary or "",
        video_url=public_video_url(hearing.video_url),
        legistar_event_id=hearing.legistar_event_id,
        agenda=_agenda(hearing),
    )


def _people(chapter: Chapter) -> list[ChapterPersonInfo]:
    wanted = ("label", "name", "role")
    return [
        ChapterPersonInfo(**{key: str(person[key]) for key in wanted})
        for person in chapter.people or []
        if isinstance(person, dict) and all(key in person for key in wanted)
    ]


def _chapter_info(chapter: Chapter, number: int, slug: str) -> ChapterInfo:
    return ChapterInfo(
        slug=slug,
        number=number,
        kind=chapter.kind,
        kind_label=kind_label(chapter.kind),
        title=chapter.title,
        summary=chapter.summary,
        bullets=list(chapter.bullets),
        people=_people(chapter),
        start=chapter.start,
        end=chapter.end,
        start_line=chapter.start_line,
        stop_line=chapter.stop_line,
    )


def build_document(
    hearing: Hearing, transcript: Sequence[Row[Any]], page_slug: str, slugs: dict[int, str]
) -> HearingDocument:
    """The public part of a stored hearing: `transcript` holds its lines in order (see
    `transcript_rows`), `slugs` maps each public chapter's id to its slug."""
    chapters = public_chapters(hearing)
    lines = [
        LineInfo(index=index, speaker_label=label, start=start, end=end, text=text)
        for chapter in chapters
        for index, label, start, end, text in transcript[chapter.start_line : chapter.stop_line]
    ]
    heard = {line.speaker_label for line in lines}
    speakers = [
        SpeakerInfo(label=speaker.label, display_name=speaker.display_name, name=speaker.name,
                    role=speaker.role, organization=speaker.organization)
        for speaker in hearing.speakers
        if speaker.label in heard
    ]  # fmt: skip
    known = {speaker.label for speaker in speakers}
    speakers += [SpeakerInfo(label=label, display_name=label) for label in sorted(heard - known)]
    return HearingDocument(
        hearing=_hearing_info(hearing, page_slug),
        speakers=speakers,
        chapters=[
            _chapter_info(chapter, number, slugs[chapter.id])
            for number, chapter in enumerate(chapters, start=1)
        ],
        lines=lines,
    )
