"""Alembic environment: the URL comes from the settings, the models from SQLModel."""

from alembic import context
from sqlmodel import SQLModel

import accounts.models  # noqa: F401  (registers the tables on SQLModel.metadata)
import indexer.models  # noqa: F401
import tracking.models  # noqa: F401
import indexer.tracked.models  # noqa: F401
import indexer.sync_models  # noqa: F401
import alerts.models  # noqa: F401
from core.database import get_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
