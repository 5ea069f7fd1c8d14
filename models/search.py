"""Full-text search entries: one per chapter (title, summary, bullets) and one per line.

The text index itself lives beside this table and is kept in step by the database:
an FTS5 table with triggers on SQLite, a generated tsvector column with a GIN index on
PostgreSQL (both created by migration 0005; `models.db.SEARCH_INDEX_NAMES` hides them from
the model/migration comparison, since SQLAlchemy has no portable type for either).
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class SearchEntry(Base):
    __tablename__ = "search_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearing.id", ondelete="CASCADE"), index=True
    )
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("chapter.id", ondelete="CASCADE"))
    line_index: Mapped[int | None]
    speaker: Mapped[str] = mapped_column(String(1000), default="")
    start: Mapped[float]
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    bullets: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
