"""projects, tracked issues and their status transitions

Revision ID: 0003_tracking
Revises: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_tracking"
down_revision = "0002_accounts"
branch_labels = ("tracking",)
depends_on = None


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_project_name_lower", "project", [sa.text("lower(name)")], unique=True
    )
    op.create_table(
        "project_member",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _timestamp("joined_at"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "user_id"),
    )
    op.create_index("ix_project_member_user_id", "project_member", ["user_id"])
    op.create_table(
        "tracked_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pr_url", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.String(length=5000), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("status_changed_at"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["issue_id"], ["issue.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "issue_id"),
    )
    for column in ("user_id", "issue_id", "project_id"):
        op.create_index(f"ix_tracked_issue_{column}", "tracked_issue", [column])
    op.create_table(
        "status_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracked_issue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        _timestamp("changed_at"),
        sa.ForeignKeyConstraint(
            ["tracked_issue_id"], ["tracked_issue.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("tracked_issue_id", "user_id"):
        op.create_index(f"ix_status_transition_{column}", "status_transition", [column])


def downgrade() -> None:
    op.drop_table("status_transition")
    op.drop_table("tracked_issue")
    op.drop_table("project_member")
    op.drop_table("project")
