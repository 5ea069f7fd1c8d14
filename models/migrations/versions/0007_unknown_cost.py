"""stage_run.cost_usd may be unknown: calls to a model without a price

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Earlier runs keep their 0.0: whether their model had a price was not recorded.
    with op.batch_alter_table("stage_run") as batch:
        batch.alter_column("cost_usd", existing_type=sa.Double(), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE stage_run SET cost_usd = 0 WHERE cost_usd IS NULL")
    with op.batch_alter_table("stage_run") as batch:
        batch.alter_column("cost_usd", existing_type=sa.Double(), nullable=False)
