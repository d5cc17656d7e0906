"""Apply the Alembic migrations in `migrations/` to the configured database."""

import logging

from alembic import command
from alembic.config import Config

from core.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


def upgrade_database() -> None:
    """Bring the schema to the newest revisions; a no-op when it is there already.

    Each domain package keeps its own branch of revisions on top of the first
    one, so the upgrade target is every head.
    """
    command.upgrade(alembic_config(), "heads")
    logger.info("database schema is at the newest revision")
