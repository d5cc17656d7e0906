"""Turn GitHub GraphQL `Issue` nodes into source-neutral records."""

import logging
from datetime import datetime
from typing import Any

from indexer.github.errors import GitHubTransientError
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
    licence = node.get("licenseInfo") or {}
    topics = tuple(
        item["topic"]["name"]
        for item in (node.get("repositoryTopics") or {}).get("nodes") or []
        if item and item.get("topic")
    )
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
        forks=node.get("forkCount") or 0,
        topics=topics,
        license_spdx=licence.get("spdxId"),
        license_name=licence.get("name"),
        pushed_at=parse_datetime(node.get("pushedAt")),
    )


class MalformedNode(GitHubTransientError):
    """An `Issue` node lacks a field the query selects, as in a cut-off or
    corrupted answer; the whole page is fetched again and nothing is stored."""


def parse_issue(node: dict[str, Any] | None) -> FetchedIssue | None:
    """Return the record for an `Issue` node, or None for anything else
    (pull requests and other search result types are not issues for us).

    Raises `MalformedNode` when a selected field is missing or has the wrong
    type, so no partial record is ever stored.
    """
    if not node or node.get("__typename") != "Issue":
        return None
    try:
        return _parse_issue(node)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MalformedNode(
            f"GitHub returned an incomplete Issue node {node.get('id')!r}: "
            f"{type(error).__name__}: {error}"
        ) from None


def _parse_issue(node: dict[str, Any]) -> FetchedIssue:
    created_at = parse_datetime(node["createdAt"])
    if created_at is None:
        raise ValueError("createdAt is null")
    for name in ("id", "number", "title", "url", "state", "updatedAt"):
        if node[name] is None:
            raise ValueError(f"{name} is null")
    labels = tuple(
        FetchedLabel(
            name=label["name"],
            color=label.get("color"),
            description=label.get("description"),
        )
        for label in node["labels"]["nodes"]
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
        assignee_count=int(node["assignees"]["totalCount"]),
        comment_count=int(node["comments"]["totalCount"]),
        labels=labels,
        repository=parse_repository(node["repository"]),
    )
