"""Alembic environment: the engine comes from `models.db.alembic_config`, never from a file."""

from alembic import context

from models import Base
from models.db import include_in_comparison

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_in_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
