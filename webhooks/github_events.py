"""Apply GitHub `issues`, `label` and `repository` webhook events.

Payloads use GitHub's REST shapes; `node_id` of issues and repositories is the
same global id that the GraphQL refresh stores as `external_id`.
"""

import logging
from datetime import datetime, timezone
from typing import Any

from indexer.github.parse import SOURCE, parse_datetime
from indexer.normalize import normalize_language
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository
from webhooks import apply

logger = logging.getLogger(__name__)

# Issue actions whose payload carries the complete issue; pinned, unpinned,
# milestoned and demilestoned change nothing that is stored.
ISSUE_UPSERT_ACTIONS = (
    "opened",
    "edited",
    "labeled",
    "unlabeled",
    "closed",
    "reopened",
    "assigned",
    "unassigned",
    "locked",
    "unlocked",
)


class InvalidPayload(ValueError):
    """A payload lacks a field the handler needs; nothing was stored."""


def parse_rest_repository(repo: dict[str, Any]) -> FetchedRepository:
    licence = repo.get("license") or {}
    owner = repo["owner"]["login"]
    return FetchedRepository(
        source=SOURCE,
        external_id=repo["node_id"],
        name=repo["name"],
        full_name=repo["full_name"],
        owner=owner,
        url=repo["html_url"],
        description=repo.get("description"),
        language=normalize_language(repo.get("language")),
        stars=repo.get("stargazers_count") or 0,
        archived=bool(repo.get("archived")),
        created_at=_timestamp(repo.get("created_at")),
        updated_at=_timestamp(repo.get("updated_at")),
        forks=repo.get("forks_count") or 0,
        topics=tuple(repo.get("topics") or ()),
        license_spdx=licence.get("spdx_id"),
        license_name=licence.get("name"),
        pushed_at=_timestamp(repo.get("pushed_at")),
    )


def _timestamp(value: Any) -> datetime | None:
    """REST payloads give most times as ISO strings, but `repository.created_at`
    and `pushed_at` of push-related payloads as epoch seconds."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    return parse_datetime(value)


def parse_rest_issue(issue: dict[str, Any], repo: dict[str, Any]) -> FetchedIssue:
    """Build the record of a REST issue; raise `InvalidPayload` when a field
    is missing, so no partial record is stored."""
    try:
        created_at = parse_datetime(issue["created_at"])
        if created_at is None:
            raise ValueError("created_at is null")
        return FetchedIssue(
            source=SOURCE,
            external_id=issue["node_id"],
            number=int(issue["number"]),
            title=issue["title"],
            body=issue.get("body") or "",
            state=issue["state"].lower(),
            url=issue["html_url"],
            created_at=created_at,
            updated_at=parse_datetime(issue["updated_at"]) or created_at,
            closed_at=parse_datetime(issue.get("closed_at")),
            locked=bool(issue["locked"]),
            assignee_count=len(issue["assignees"]),
            comment_count=int(issue.get("comments") or 0),
            labels=tuple(
                FetchedLabel(
                    name=label["name"],
                    color=label.get("color"),
                    description=label.get("description"),
                )
                for label in issue["labels"]
            ),
            repository=parse_rest_repository(repo),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidPayload(f"{type(error).__name__}: {error}") from None


def apply_issues_event(payload: dict[str, Any]) -> None:
    action = payload.get("action")
    issue = payload["issue"]
    if "pull_request" in issue:
        return  # pull requests are not issues for us
    if action == "deleted":
        apply.delete_issue(SOURCE, issue["node_id"])
    elif action == "transferred":
        changes = payload["changes"]
        apply.delete_issue(SOURCE, issue["node_id"])
        apply.upsert_and_index(
            parse_rest_issue(changes["new_issue"], changes["new_repository"])
        )
    elif action in ISSUE_UPSERT_ACTIONS:
        apply.upsert_and_index(parse_rest_issue(issue, payload["repository"]))


def apply_label_event(payload: dict[str, Any]) -> None:
    action = payload.get("action")
    label = payload["label"]
    repo_id = payload["repository"]["node_id"]
    if action == "deleted":
        apply.delete_label(SOURCE, repo_id, label["name"])
    elif action == "edited":
        old_name = ((payload.get("changes") or {}).get("name") or {}).get("from")
        apply.rename_label(
            SOURCE,
            repo_id,
            old_name or label["name"],
            label["name"],
            label.get("color"),
            label.get("description"),
        )


def apply_repository_event(payload: dict[str, Any]) -> None:
    action = payload.get("action")
    repo = payload["repository"]
    if action in ("deleted", "privatized"):
        # A private repository's issues are not public, so they leave too.
        apply.delete_repository(SOURCE, repo["node_id"])
        return
    if action not in ("archived", "unarchived", "renamed", "transferred", "edited"):
        return  # created, publicized: the next refresh finds their issues
    facts = parse_rest_repository(repo)
    apply.update_repository(
        SOURCE,
        facts.external_id,
        name=facts.name,
        full_name=facts.full_name,
        owner=facts.owner,
        url=facts.url,
        description=facts.description,
        archived=facts.archived,
        issue_url_base=facts.url if action in ("renamed", "transferred") else None,
    )


HANDLERS = {
    "issues": apply_issues_event,
    "label": apply_label_event,
    "repository": apply_repository_event,
}


def apply_event(event: str, payload: dict[str, Any]) -> None:
    """Apply one GitHub event to PostgreSQL and the index."""
    handler = HANDLERS.get(event)
    if handler is None:
        return
    try:
        handler(payload)
    except (KeyError, TypeError, InvalidPayload) as error:
        # Retrying cannot fix a payload, so it is logged and dropped.
        logger.warning(
            "GitHub %s.%s event dropped: invalid payload (%s: %s)",
            event,
            payload.get("action"),
            type(error).__name__,
            error,
        )
