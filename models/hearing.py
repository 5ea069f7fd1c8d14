"""Hearings and what the pipeline and reviewers make of them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, utc_now
from models.roster import Body, Person


class HearingStatus(StrEnum):
    DISCOVERED = "discovered"
    WAITING_FOR_VIDEO = "waiting_for_video"
    SKIPPED = "skipped"
    PROCESSING = "processing"
    DRAFT = "draft"
    FAILED = "failed"
    PUBLISHED = "published"


class ReviewState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"


class StageStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    SKIPPED = "skipped"
    FAILED = "failed"


class Hearing(Timestamped, Base):
    __tablename__ = "hearing"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    legistar_event_id: Mapped[int | None] = mapped_column(unique=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("body.id", ondelete="SET NULL"))
    body_name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    scheduled_at: Mapped[datetime | None] = mapped_column(index=True)
    video_url: Mapped[str | None] = mapped_column(Text)
    captions_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30), default=HearingStatus.DISCOVERED, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[float | None]
    summary: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    body: Mapped[Body | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="Speaker.label"
    )
    lines: Mapped[list[TranscriptLine]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="TranscriptLine.line_index"
    )
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="Chapter.position"
    )
    stage_runs: Mapped[list[StageRun]] = relationship(
        back_populates="hearing", cascade="all, delete-orphan", order_by="StageRun.id"
    )


class Speaker(Timestamped, Base):
    """A diarization label in one hearing and who a rule, the LLM or a person says it is."""

    __tablename__ = "speaker"
    # Ids are never reused (SQLite would reuse a deleted row's), so Edit rows and review
    # forms that name a speaker or chapter id can never point at a newer one.
    __table_args__ = (UniqueConstraint("hearing_id", "label"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(50))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(String(300))
    display_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(300))
    confidence: Mapped[float] = mapped_column(default=0.0)
    method: Mapped[str] = mapped_column(String(10), default="rule")
    edited_by: Mapped[str | None] = mapped_column(String(200))
    edited_at: Mapped[datetime | None]
    # Set when a re-run could not tell which new voice a person's name belongs to; the row
    # then carries a label no line uses, so the name is shown on nobody until a person looks.
    review_flag: Mapped[str | None] = mapped_column(Text)

    hearing: Mapped[Hearing] = relationship(back_populates="speakers")
    person: Mapped[Person | None] = relationship()


class TranscriptLine(Base):
    __tablename__ = "transcript_line"
    __table_args__ = (UniqueConstraint("hearing_id", "line_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    line_index: Mapped[int]
    speaker_label: Mapped[str] = mapped_column(String(50))
    start: Mapped[float]
    end: Mapped[float]
    text: Mapped[str] = mapped_column(Text)

    hearing: Mapped[Hearing] = relationship(back_populates="lines")


class Chapter(Timestamped, Base):
    """Lines `[start_line, stop_line)` of a hearing; `edited_by` set means a person owns it.

    A person's chapter that a new transcript left without matching lines is `detached`: kept
    (with its old span) for review, outside the tiling, never shown over other lines.
    `version` grows with every update (SQLAlchemy's version counter, checked in the UPDATE
    itself), so an editor saving a chapter someone changed since they opened it is refused.
    """

    __tablename__ = "chapter"
    __table_args__ = (UniqueConstraint("hearing_id", "position"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    bullets: Mapped[list[str]] = mapped_column(default=list)
    people: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    start_line: Mapped[int]
    stop_line: Mapped[int]
    start: Mapped[float]
    end: Mapped[float]
    review_state: Mapped[str] = mapped_column(String(20), default=ReviewState.DRAFT)
    generator: Mapped[str] = mapped_column(String(200))
    prompt_version: Mapped[str | None] = mapped_column(String(100))
    edited_by: Mapped[str | None] = mapped_column(String(200))
    edited_at: Mapped[datetime | None]
    detached: Mapped[bool] = mapped_column(default=False, server_default=false())
    review_flag: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    hearing: Mapped[Hearing] = relationship(back_populates="chapters")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read by SQLAlchemy)


class StageRun(Base):
    """One attempt at one stage for one hearing."""

    __tablename__ = "stage_run"
    __table_args__ = (Index("ix_stage_run_hearing_stage", "hearing_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default=StageStatus.RUNNING)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
    duration_seconds: Mapped[float | None]
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    # None: some calls went to a model without a known price, so the sum would be a guess.
    cost_usd: Mapped[float | None] = mapped_column(default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    flow_run_id: Mapped[str | None] = mapped_column(String(64))

    hearing: Mapped[Hearing] = relationship(back_populates="stage_runs")


class Edit(Base):
    """Review history: one changed field of a chapter or speaker."""

    __tablename__ = "edit"
    __table_args__ = (Index("ix_edit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(50))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    editor: Mapped[str] = mapped_column(String(200))
    edited_at: Mapped[datetime] = mapped_column(default=utc_now)


class SyncState(Base):
    """Named high-water marks, e.g. the last successful Legistar discovery."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class HearingClaim(Base):
    """The one run processing a hearing now; a row exists only while a run holds it."""

    __tablename__ = "hearing_claim"

    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(32), unique=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    claimed_at: Mapped[datetime]
    renewed_at: Mapped[datetime]
