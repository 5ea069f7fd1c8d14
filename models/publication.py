"""What the publisher remembers so published URLs never change: one slug per hearing and chapter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utc_now


class HearingPage(Base):
    """A hearing's folder on the site, from its first publication on (kept if unpublished)."""

    __tablename__ = "hearing_page"

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearing.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    first_published_at: Mapped[datetime] = mapped_column(default=utc_now)
    content_fingerprint: Mapped[str | None] = mapped_column(String(64))
    content_changed_at: Mapped[datetime] = mapped_column(default=utc_now)


class ChapterPage(Base):
    """A chapter's slug, fixed when first published; `chapter_id` is NULL once it is gone."""

    __tablename__ = "chapter_page"
    __table_args__ = (UniqueConstraint("hearing_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearing.id", ondelete="CASCADE"))
    chapter_id: Mapped[int | None] = mapped_column(
        ForeignKey("chapter.id", ondelete="SET NULL"), unique=True
    )
    slug: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
