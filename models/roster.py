"""Who could be speaking: committees (bodies), people and their memberships over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped


class Body(Timestamped, Base):
    """A council body: the full council, a committee or a subcommittee."""

    __tablename__ = "body"

    id: Mapped[int] = mapped_column(primary_key=True)
    legistar_id: Mapped[int | None] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    body_type: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    memberships: Mapped[list[Membership]] = relationship(back_populates="body")


class Person(Timestamped, Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    legistar_id: Mapped[int | None] = mapped_column(unique=True)
    full_name: Mapped[str] = mapped_column(String(300))
    first_name: Mapped[str | None] = mapped_column(String(150))
    last_name: Mapped[str | None] = mapped_column(String(150))
    district: Mapped[int | None]
    borough: Mapped[str | None] = mapped_column(String(50))

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Membership(Timestamped, Base):
    """A person's seat in a body between two dates (a Legistar office record)."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("person_id", "body_id", "title", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    legistar_id: Mapped[int | None] = mapped_column(unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(150), default="Member")
    member_type: Mapped[str | None] = mapped_column(String(150))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="memberships")
    body: Mapped[Body] = relationship(back_populates="memberships")
