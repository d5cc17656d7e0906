"""Apply GitLab Issue Hook webhook events.

External ids follow the GitLab source's convention `<instance name>:<id>`, so
a webhook update and a refresh write the same rows. The instance is the
configured one whose URL prefixes the project's `web_url`.
"""

import logging
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from core.database import session_scope
from core.settings import get_settings
from indexer.models import Issue, Repository
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository
from webhooks import apply

logger = logging.getLogger(__name__)

SOURCE = "gitlab"


class InvalidPayload(ValueError):
    """A payload lacks a field the handler needs; nothing was stored."""


def parse_gitlab_time(value: str | None) -> datetime | None:
    """Parse ISO 8601 or the `2013-12-03 17:15:43 UTC` form of older GitLab hooks."""
    if not value:
        return None
    text = value.replace(" UTC", "+00:00").replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def instance_name(project_url: str) -> str:
    for instance in get_settings().gitlab_instances:
        if project_url.startswith(instance.url + "/"):
            return instance.name
    return urlsplit(project_url).netloc


def _stored_repository(instance: str, project: dict[str, Any]) -> FetchedRepository:
    """The project record, keeping the stored language, stars and other facts
    that a hook payload does not carry."""
    full_name = project["path_with_namespace"]
    external_id = f"{instance}:{project['id']}"
    with session_scope() as session:
        stored = session.execute(
            select(Repository).where(
                Repository.source == SOURCE, Repository.external_id == external_id
            )
        ).scalar_one_or_none()
    namespace = project.get("namespace")
    owner = full_name.rsplit("/", 1)[0]
    return FetchedRepository(
        source=SOURCE,
        external_id=external_id,
        name=full_name.rsplit("/", 1)[-1],
        full_name=full_name,
        owner=owner if not isinstance(namespace, dict) else namespace.get("full_path", owner),
        url=project["web_url"],
        description=project.get("description") or None,
        language=stored.language if stored else None,
        stars=stored.stars if stored else 0,
        archived=stored.archived if stored else False,
        created_at=stored.created_at if stored else None,
        updated_at=stored.updated_at if stored else None,
        forks=stored.forks if stored else 0,
        topics=tuple(stored.topics or ()) if stored else (),
        license_spdx=stored.license_spdx if stored else None,
        license_name=stored.license_name if stored else None,
        pushed_at=stored.pushed_at if stored else None,
    )


def _stored_comment_count(external_id: str) -> int:
    """Hook payloads carry no comment count, so the stored one is kept."""
    with session_scope() as session:
        count = session.execute(
            select(Issue.comment_count).where(
                Issue.source == SOURCE, Issue.external_id == external_id
            )
        ).scalar_one_or_none()
    return count or 0


def parse_issue_hook(payload: dict[str, Any]) -> tuple[FetchedIssue, bool]:
    """Return the issue record and whether it is confidential."""
    try:
        attributes = payload["object_attributes"]
        project = payload["project"]
        instance = instance_name(project["web_url"])
        external_id = f"{instance}:{attributes['id']}"
        created_at = parse_gitlab_time(attributes["created_at"])
        if created_at is None:
            raise ValueError("created_at is null")
        assignees = payload.get("assignees") or attributes.get("assignee_ids") or []
        issue = FetchedIssue(
            source=SOURCE,
            external_id=external_id,
            number=int(attributes["iid"]),
            title=attributes["title"],
            body=attributes.get("description") or "",
            state="open" if attributes["state"] == "opened" else "closed",
            url=attributes["url"],
            created_at=created_at,
            updated_at=parse_gitlab_time(attributes.get("updated_at")) or created_at,
            closed_at=parse_gitlab_time(attributes.get("closed_at")),
            locked=bool(attributes.get("discussion_locked")),
            assignee_count=len(assignees),
            comment_count=_stored_comment_count(external_id),
            labels=tuple(
                FetchedLabel(
                    name=label["title"],
                    color=(label.get("color") or "").lstrip("#").lower() or None,
                    description=label.get("description"),
                )
                for label in payload.get("labels") or []
            ),
            repository=_stored_repository(instance, project),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidPayload(f"{type(error).__name__}: {error}") from None
    confidential = bool(attributes.get("confidential")) or (
        payload.get("event_type") == "confidential_issue"
    )
    return issue, confidential


def apply_event(event: str, payload: dict[str, Any]) -> None:
    """Apply one GitLab Issue Hook to PostgreSQL and the index. A confidential
    issue is never stored, and a stored one that became confidential leaves."""
    if payload.get("object_kind") != "issue":
        return
    try:
        issue, confidential = parse_issue_hook(payload)
    except InvalidPayload as error:
        # Retrying cannot fix a payload, so it is logged and dropped.
        logger.warning("GitLab %s dropped: invalid payload (%s)", event, error)
        return
    if confidential or event == "Confidential Issue Hook":
        apply.delete_issue(SOURCE, issue.external_id)
        return
    apply.upsert_and_index(issue)
