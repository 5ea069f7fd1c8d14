"""review: editors, chapter versions for conflict detection, hearing published_at

On SQLite the chapter and speaker tables are rebuilt with AUTOINCREMENT, so a deleted
row's id is never given to a new one (Edit rows and review forms refer to these ids).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "editor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editor")),
        sa.UniqueConstraint("name", name=op.f("uq_editor_name")),
    )
    with op.batch_alter_table("hearing") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_hearing_published_at"), ["published_at"], unique=False)
    never_reuse_ids = {
        "recreate": "always" if op.get_bind().dialect.name == "sqlite" else "auto",
        "table_kwargs": {"sqlite_autoincrement": True},
    }
    with op.batch_alter_table("chapter", **never_reuse_ids) as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("speaker", **never_reuse_ids):
        pass


def downgrade() -> None:
    with op.batch_alter_table("chapter") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("hearing") as batch:
        batch.drop_index(batch.f("ix_hearing_published_at"))
        batch.drop_column("published_at")
    op.drop_table("editor")
