"""publishing and search: stable page slugs, search entries and their full-text index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCHED_COLUMNS = ("title", "summary", "bullets", "body")

# SQLite: an external-content FTS5 table over search_entry, kept in step by triggers
# (updates re-index only when a searched column changes, not a flag or a chapter id).
# remove_diacritics folds 'Gutierrez' onto 'Gutiérrez'; porter stems 'questions' onto 'question'.
SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, summary, bullets, body, content='search_entry', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, title, summary, bullets, body) "
    "VALUES (new.id, new.title, new.summary, new.bullets, new.body); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, summary, bullets, body) "
    "VALUES ('delete', old.id, old.title, old.summary, old.bullets, old.body); END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE OF title, summary, bullets, body "
    "ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, summary, bullets, body) "
    "VALUES ('delete', old.id, old.title, old.summary, old.bullets, old.body); "
    "INSERT INTO search_fts(rowid, title, summary, bullets, body) "
    "VALUES (new.id, new.title, new.summary, new.bullets, new.body); END",
]

# PostgreSQL: a generated, weighted tsvector (title A … transcript text D) with a GIN index.
POSTGRES_INDEX = [
    "ALTER TABLE search_entry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    + " || ".join(
        f"setweight(to_tsvector('english'::regconfig, coalesce({column}, '')), '{weight}')"
        for column, weight in zip(SEARCHED_COLUMNS, "ABCD", strict=True)
    )
    + ") STORED",
    "CREATE INDEX ix_search_entry_search_vector ON search_entry USING gin (search_vector)",
]


def upgrade() -> None:
    op.create_table(
        "hearing_page",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("content_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_hearing_page_hearing_id_hearing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hearing_id", name=op.f("pk_hearing_page")),
        sa.UniqueConstraint("slug", name=op.f("uq_hearing_page_slug")),
    )
    op.create_table(
        "chapter_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=True),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapter.id"],
            name=op.f("fk_chapter_page_chapter_id_chapter"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_chapter_page_hearing_id_hearing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chapter_page")),
        sa.UniqueConstraint("chapter_id", name=op.f("uq_chapter_page_chapter_id")),
        sa.UniqueConstraint("hearing_id", "slug", name=op.f("uq_chapter_page_hearing_id_slug")),
    )
    op.create_table(
        "search_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=True),
        sa.Column("line_index", sa.Integer(), nullable=True),
        sa.Column("speaker", sa.String(length=1000), nullable=False),
        sa.Column("start", sa.Double(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("bullets", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapter.id"],
            name=op.f("fk_search_entry_chapter_id_chapter"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_search_entry_hearing_id_hearing"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entry_hearing_id"), ["hearing_id"])
        batch_op.create_index(batch_op.f("ix_search_entry_public"), ["public"])
    statements = SQLITE_INDEX if op.get_bind().dialect.name == "sqlite" else POSTGRES_INDEX
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_entry")
    op.drop_table("chapter_page")
    op.drop_table("hearing_page")
