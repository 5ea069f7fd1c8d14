"""Engines, sessions and migrations. SQLite (WAL, foreign keys on) or PostgreSQL, same code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions below: reading commands (`show`, `status`) only
# compare revisions and start faster without it.
from pipeline.errors import HearingsError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
# The full-text index belongs to the database (see models/search.py): FTS5 tables on SQLite,
# a generated tsvector column and its GIN index on PostgreSQL. No model describes them.
SEARCH_INDEX_PREFIX = "search_fts"
SEARCH_INDEX_NAMES = frozenset({"search_vector", "ix_search_entry_search_vector"})


class DatabaseUnavailable(HearingsError, RuntimeError):
    """The database URL cannot be reached or opened."""


class DatabaseNotMigrated(HearingsError, RuntimeError):
    """The database schema is older than the code (or absent)."""


def _enable_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def describe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise DatabaseUnavailable(
            f"cannot open the database at {describe_url(str(engine.url))}: {reason}"
        ) from None


def include_in_comparison(name: str | None, _type: str, _parents: dict[str, Any]) -> bool:
    """Alembic's `include_name` hook: compare everything but the full-text index."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIX) and name not in SEARCH_INDEX_NAMES


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


# The newest migration this code expects. Checked on every command without importing Alembic
# (half a second of start-up); tests/models/test_database.py holds it equal to Alembic's head.
SCHEMA_HEAD = "0007"


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    check_connection(engine)
    command.upgrade(alembic_config(engine), revision)


def ensure_migrated(engine: Engine) -> None:
    """Raise a clear error unless the database is at the newest migration."""
    check_connection(engine)
    current = current_revision(engine)
    if current != SCHEMA_HEAD:
        state = "has no schema" if current is None else f"is at revision {current}"
        raise DatabaseNotMigrated(
            f"the database at {describe_url(str(engine.url))} {state}; "
            "run `hearings db upgrade` first"
        )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with factory() as session, session.begin():
        yield session
