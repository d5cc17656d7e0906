"""saved searches, alert matches, deliveries, notifications and digest runs

Revision ID: 0004_alerts
Revises: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_alerts"
down_revision = "0002_accounts"
branch_labels = ("alerts",)
depends_on = None


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _user_id() -> sa.Column:
    return sa.Column(
        "user_id",
        sa.Integer(),
        sa.ForeignKey("user_account.id", ondelete="CASCADE"),
        nullable=False,
    )


def _saved_search_id(ondelete: str, nullable: bool) -> sa.Column:
    return sa.Column(
        "saved_search_id",
        sa.Integer(),
        sa.ForeignKey("saved_search.id", ondelete=ondelete),
        nullable=nullable,
    )


def upgrade() -> None:
    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_id(),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("channels", postgresql.ARRAY(sa.String()), nullable=False),
        sa.Column("webhook_url", sa.String(length=2000), nullable=True),
        sa.Column("webhook_secret", sa.String(length=100), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("last_alert_at", nullable=True),
        sa.UniqueConstraint("user_id", "name"),
    )
    op.create_index("ix_saved_search_user_id", "saved_search", ["user_id"])
    op.create_table(
        "alert_match",
        sa.Column("id", sa.Integer(), primary_key=True),
        _saved_search_id("CASCADE", nullable=False),
        sa.Column(
            "issue_id",
            sa.Integer(),
            sa.ForeignKey("issue.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        _timestamp("matched_at"),
        _timestamp("delivered_at", nullable=True),
        sa.UniqueConstraint("saved_search_id", "issue_id"),
    )
    op.create_index(
        "ix_alert_match_search_status", "alert_match", ["saved_search_id", "status"]
    )
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=64), nullable=False, unique=True),
        _user_id(),
        _saved_search_id("SET NULL", nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("sent_at", nullable=True),
    )
    op.create_index("ix_alert_delivery_user_id", "alert_delivery", ["user_id"])
    op.create_index(
        "ix_alert_delivery_saved_search_id", "alert_delivery", ["saved_search_id"]
    )
    op.create_index("ix_alert_delivery_status", "alert_delivery", ["status"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), primary_key=True),
        _user_id(),
        sa.Column(
            "delivery_id",
            sa.Integer(),
            sa.ForeignKey("alert_delivery.id", ondelete="CASCADE"),
            nullable=True,
            unique=True,
        ),
        _saved_search_id("SET NULL", nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=5000), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        _timestamp("created_at"),
        _timestamp("read_at", nullable=True),
    )
    op.create_index("ix_notification_user_id", "notification", ["user_id"])
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        _saved_search_id("CASCADE", nullable=False),
        sa.Column("period_key", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("issue_count", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.UniqueConstraint("saved_search_id", "period_key"),
    )


def downgrade() -> None:
    op.drop_table("digest_run")
    op.drop_table("notification")
    op.drop_table("alert_delivery")
    op.drop_table("alert_match")
    op.drop_table("saved_search")
