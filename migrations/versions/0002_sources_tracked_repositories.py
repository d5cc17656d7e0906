"""sources: tracked repositories and projects

Revision ID: 0002_sources
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0002_sources"
down_revision = "0001"
branch_labels = ("sources",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracked_repository",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("instance", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("external_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "instance", "full_name"),
    )
    op.create_index(
        op.f("ix_tracked_repository_external_id"),
        "tracked_repository",
        ["external_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_tracked_repository_external_id"), table_name="tracked_repository")
    op.drop_table("tracked_repository")
