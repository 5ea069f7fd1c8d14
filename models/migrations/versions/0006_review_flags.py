"""review flags: chapters and speakers a re-run could not re-anchor

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): a batch rebuild would drop the tables' AUTOINCREMENT.
    op.add_column(
        "chapter", sa.Column("detached", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("chapter", sa.Column("review_flag", sa.Text(), nullable=True))
    op.add_column("speaker", sa.Column("review_flag", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("speaker") as batch:
        batch.drop_column("review_flag")
    with op.batch_alter_table("chapter") as batch:
        batch.drop_column("review_flag")
        batch.drop_column("detached")
