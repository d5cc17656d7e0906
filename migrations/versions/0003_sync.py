"""incremental sync state and repository facts

Revision ID: 0003_sync
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_sync"
down_revision = "0001"
branch_labels = ("sync",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_state",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("watermark", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sweep_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("source"),
    )
    op.add_column(
        "repository", sa.Column("forks", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "repository", sa.Column("topics", postgresql.ARRAY(sa.String()), nullable=True)
    )
    op.add_column(
        "repository", sa.Column("license_spdx", sa.String(length=64), nullable=True)
    )
    op.add_column("repository", sa.Column("license_name", sa.String(), nullable=True))
    op.add_column(
        "repository", sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "issue", sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_issue_open_last_checked", "issue", ["state", "last_checked_at"])
    op.add_column(
        "refresh_job",
        sa.Column("mode", sa.String(length=16), nullable=False, server_default="full"),
    )


def downgrade() -> None:
    op.drop_column("refresh_job", "mode")
    op.drop_index("ix_issue_open_last_checked", table_name="issue")
    op.drop_column("issue", "last_checked_at")
    for column in ("pushed_at", "license_name", "license_spdx", "topics", "forks"):
        op.drop_column("repository", column)
    op.drop_table("source_state")
