"""chapter people: who asks, answers, testifies or chairs in each chapter

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing chapters get an empty list: nobody is attributed until the hearing is re-run.
    with op.batch_alter_table("chapter") as batch:
        batch.add_column(sa.Column("people", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("chapter") as batch:
        batch.drop_column("people")
