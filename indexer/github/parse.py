"""Turn GitHub GraphQL `Issue` nodes into source-neutral records."""

import logging
from datetime import datetime
from typing import Any

from indexer.normalize import normalize_language
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository

logger = logging.getLogger(__name__)

SOURCE = "github"


def parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def parse_repository(node: dict[str, Any]) -> FetchedRepository:
    language = node.get("primaryLanguage") or {}
    return FetchedRepository(
        source=SOURCE,
        external_id=node["id"],
        name=node["name"],
        full_name=node["nameWithOwner"],
        owner=node["owner"]["login"],
        url=node["url"],
        description=node.get("description"),
        language=normalize_language(language.get("name")),
        stars=node.get("stargazerCount") or 0,
        archived=bool(node.get("isArchived")),
        created_at=parse_datetime(node.get("createdAt")),
        updated_at=parse_datetime(node.get("updatedAt")),
    )


def parse_issue(node: dict[str, Any] | None) -> FetchedIssue | None:
    """Return the record for an `Issue` node, or None for anything else
    (pull requests and other search result types are not issues for us)."""
    if not node or node.get("__typename") != "Issue":
        return None
    created_at = parse_datetime(node["createdAt"])
    assert created_at is not None  # createdAt is non-null in GitHub's schema
    labels = tuple(
        FetchedLabel(
            name=label["name"],
            color=label.get("color"),
            description=label.get("description"),
        )
        for label in (node.get("labels") or {}).get("nodes") or []
        if label
    )
    return FetchedIssue(
        source=SOURCE,
        external_id=node["id"],
        number=node["number"],
        title=node["title"],
        body=node.get("body") or "",
        state=node["state"].lower(),
        url=node["url"],
        created_at=created_at,
        updated_at=parse_datetime(node["updatedAt"]) or created_at,
        closed_at=parse_datetime(node.get("closedAt")),
        locked=bool(node.get("locked")),
        assignee_count=(node.get("assignees") or {}).get("totalCount", 0),
        comment_count=(node.get("comments") or {}).get("totalCount", 0),
        labels=labels,
        repository=parse_repository(node["repository"]),
    )
