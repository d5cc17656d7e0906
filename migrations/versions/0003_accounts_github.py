"""link GitHub accounts to users

Revision ID: 0003_accounts_github
Revises: 0002_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_accounts_github"
down_revision = "0002_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "github_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("github_user_id", sa.BigInteger(), nullable=False),
        sa.Column("github_login", sa.String(length=39), nullable=False),
        sa.Column("encrypted_token", sa.String(), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
        sa.UniqueConstraint("github_user_id"),
    )


def downgrade() -> None:
    op.drop_table("github_identity")
