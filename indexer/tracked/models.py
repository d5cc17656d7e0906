"""The table of tracked repositories and projects."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from indexer.models import _timestamp, utc_now

# Refreshes look each tracked repository up before fetching its issues:
# pending (not looked up yet) -> active | archived | deleted. A renamed or
# transferred one stays active under its new name.
STATUSES = ("pending", "active", "archived", "deleted")


class TrackedRepository(SQLModel, table=True):
    __tablename__ = "tracked_repository"
    __table_args__ = (UniqueConstraint("source", "instance", "full_name"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    # "github.com" for GitHub; the instance name from GITLAB_INSTANCES for GitLab.
    instance: str = Field(max_length=128)
    # owner/name on GitHub, the full project path (group/subgroup/project) on GitLab.
    full_name: str
    # The `repository.external_id` once looked up; it survives renames.
    external_id: str | None = Field(default=None, max_length=128, index=True)
    status: str = Field(default="pending", max_length=16)
    added_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    checked_at: datetime | None = Field(default=None, sa_column=_timestamp())
