"""The schema comes from migrations, agrees with the models, and upserts are idempotent."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import Base, Body, Chapter, Hearing, Person, TranscriptLine
from models.db import (
    SCHEMA_HEAD,
    DatabaseNotMigrated,
    current_revision,
    ensure_migrated,
    head_revision,
    include_in_comparison,
    make_engine,
    make_session_factory,
    transaction,
    upgrade,
)


def test_migrations_create_the_schema_the_models_describe(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_in_comparison}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_head_every_command_checks_is_alembics() -> None:
    # Commands compare against the constant to skip importing Alembic at start-up.
    assert head_revision() == SCHEMA_HEAD


def test_unmigrated_database_says_to_run_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    with pytest.raises(DatabaseNotMigrated, match="hearings db upgrade"):
        ensure_migrated(engine)
    upgrade(engine)
    ensure_migrated(engine)


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_natural_keys_reject_duplicates(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        session.add(Hearing(slug="2024-10-22-0930-am-zoning", title="Zoning", legistar_event_id=7))
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(Hearing(slug="2024-10-22-0930-am-zoning", title="Again"))
    with pytest.raises(IntegrityError), transaction(factory) as session:
        session.add(Body(name="Committee on Finance", legistar_id=1))
        session.add(Body(name="Committee on Finance", legistar_id=2))
    with transaction(factory) as session:
        assert session.scalars(select(Hearing.title)).all() == ["Zoning"]
        assert session.scalars(select(Body)).all() == []


def test_deleting_a_hearing_removes_its_lines_and_chapters(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        hearing = Hearing(slug="h", title="A hearing")
        hearing.lines.append(
            TranscriptLine(line_index=0, speaker_label="SPEAKER_00", start=0, end=1, text="Hi.")
        )
        hearing.chapters.append(
            Chapter(
                position=0, kind="remarks", title="Opening", start_line=0, stop_line=1,
                start=0, end=1, generator="offline", bullets=["one"],
            )
        )  # fmt: skip
        session.add(hearing)
        session.add(Person(full_name="Jennifer Gutiérrez", legistar_id=7631))
    with transaction(factory) as session:
        stored = session.scalars(select(Chapter)).one()
        assert stored.bullets == ["one"]
        session.delete(session.scalars(select(Hearing)).one())
    with transaction(factory) as session:
        assert session.scalars(select(TranscriptLine)).all() == []
        assert session.scalars(select(Chapter)).all() == []
        assert session.scalars(select(Person.full_name)).all() == ["Jennifer Gutiérrez"]


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
