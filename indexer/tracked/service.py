"""Adding, listing and removing tracked repositories, and recording what a
refresh found out about them."""

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from core.errors import InvalidParameter, NotFound
from core.settings import get_settings
from indexer.tracked.models import TrackedRepository

logger = logging.getLogger(__name__)

GITHUB_INSTANCE = "github.com"
SOURCES = ("github", "gitlab")
_SEGMENT = r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*"
GITHUB_NAME = re.compile(rf"^{_SEGMENT}/{_SEGMENT}$")
# GitLab projects sit in nested groups: group/subgroup/project.
GITLAB_PATH = re.compile(rf"^{_SEGMENT}(/{_SEGMENT})+$")


def gitlab_instance_names() -> list[str]:
    return [instance.name for instance in get_settings().gitlab_instances]


def validated(source: str, full_name: str, instance: str | None) -> tuple[str, str]:
    """Return (instance, full_name) for a new tracked repository, or raise
    InvalidParameter naming what is wrong."""
    full_name = full_name.strip().strip("/")
    if source == "github":
        if instance not in (None, "", GITHUB_INSTANCE):
            raise InvalidParameter("GitHub repositories take no instance")
        if not GITHUB_NAME.match(full_name):
            raise InvalidParameter(f"a GitHub repository is owner/name, got {full_name!r}")
        return GITHUB_INSTANCE, full_name
    if source == "gitlab":
        names = gitlab_instance_names()
        instance = instance or (names[0] if names else "")
        if instance not in names:
            raise InvalidParameter(
                f"unknown GitLab instance {instance!r}; GITLAB_INSTANCES names {names}"
            )
        if not GITLAB_PATH.match(full_name):
            raise InvalidParameter(
                f"a GitLab project is its full path, group/project, got {full_name!r}"
            )
        return instance, full_name
    raise InvalidParameter(f"source must be one of {', '.join(SOURCES)}, got {source!r}")


def add_tracked(
    session: Session, source: str, full_name: str, instance: str | None = None
) -> tuple[TrackedRepository, bool]:
    """Track a repository; return it and whether it is new. Adding one that
    is tracked already returns the existing row."""
    instance, full_name = validated(source, full_name, instance)
    existing = _find(session, source, instance, full_name)
    if existing is not None:
        return existing, False
    tracked = TrackedRepository(source=source, instance=instance, full_name=full_name)
    session.add(tracked)
    session.flush()
    logger.info("tracking %s repository %s (id %s)", source, full_name, tracked.id)
    return tracked, True


def _find(
    session: Session, source: str, instance: str, full_name: str
) -> TrackedRepository | None:
    """Names compare case-insensitively, as on GitHub and GitLab."""
    return session.execute(
        select(TrackedRepository).where(
            TrackedRepository.source == source,
            TrackedRepository.instance == instance,
            func.lower(TrackedRepository.full_name) == full_name.lower(),
        )
    ).scalar_one_or_none()


def list_tracked(
    session: Session, source: str | None = None, instance: str | None = None
) -> list[TrackedRepository]:
    statement = select(TrackedRepository).order_by(TrackedRepository.id)
    if source:
        statement = statement.where(TrackedRepository.source == source)
    if instance:
        statement = statement.where(TrackedRepository.instance == instance)
    return list(session.execute(statement).scalars())


def get_tracked_or_raise(session: Session, tracked_id: int) -> TrackedRepository:
    tracked = session.get(TrackedRepository, tracked_id)
    if tracked is None:
        raise NotFound(f"tracked repository {tracked_id} not found")
    return tracked


def remove_tracked(session: Session, tracked_id: int) -> TrackedRepository:
    """Stop tracking a repository. Its stored issues stay while a label search
    still finds them; refreshes no longer fetch it on its own."""
    tracked = get_tracked_or_raise(session, tracked_id)
    session.delete(tracked)
    logger.info("stopped tracking %s repository %s", tracked.source, tracked.full_name)
    return tracked


def record_lookup(
    session: Session,
    tracked_id: int,
    status: str,
    *,
    full_name: str | None = None,
    external_id: str | None = None,
) -> None:
    """Store what a refresh found: the status and, after a rename or a
    transfer, the new name."""
    tracked = session.get(TrackedRepository, tracked_id, with_for_update=True)
    if tracked is None:
        return  # removed while the refresh ran
    if full_name and full_name != tracked.full_name:
        duplicate = _find(session, tracked.source, tracked.instance, full_name)
        if duplicate is not None and duplicate.id != tracked.id:
            # Both names were tracked and now name one repository.
            session.delete(tracked)
            return
        logger.info(
            "tracked %s repository %s is now %s", tracked.source, tracked.full_name, full_name
        )
        tracked.full_name = full_name
    if external_id:
        tracked.external_id = external_id
    if status != tracked.status:
        logger.info(
            "tracked %s repository %s is %s", tracked.source, tracked.full_name, status
        )
    tracked.status = status
    tracked.checked_at = datetime.now(UTC)
