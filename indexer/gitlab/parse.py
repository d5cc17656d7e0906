"""Turn GitLab REST issues and projects into source-neutral records.

Ids are prefixed with the instance name, because issue and project ids are
unique only within one GitLab instance: issue 42 of gitlab.com is stored as
external id `gitlab.com:42`, its project 7 as `gitlab.com:7`.
"""

from datetime import datetime
from typing import Any

from indexer.normalize import normalize_language
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository

SOURCE = "gitlab"
# Work item types other than plain issues (incidents, tasks, test cases) are
# not contribution tasks for newcomers.
ISSUE_TYPES = (None, "ISSUE", "issue")


def external_id(instance_name: str, gitlab_id: int | str) -> str:
    return f"{instance_name}:{gitlab_id}"


def parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def main_language(languages: dict[str, float]) -> str | None:
    """The language with the largest share, as `/projects/:id/languages` lists them."""
    if not languages:
        return None
    return normalize_language(max(languages.items(), key=lambda item: item[1])[0])


def parse_project(
    instance_name: str, project: dict[str, Any], language: str | None = None
) -> FetchedRepository:
    namespace = project.get("namespace") or {}
    full_name = project["path_with_namespace"]
    return FetchedRepository(
        source=SOURCE,
        external_id=external_id(instance_name, project["id"]),
        name=project.get("path") or full_name.rsplit("/", 1)[-1],
        full_name=full_name,
        owner=namespace.get("full_path") or full_name.rsplit("/", 1)[0],
        url=project["web_url"],
        description=project.get("description") or None,
        language=language,
        stars=project.get("star_count") or 0,
        archived=bool(project.get("archived")),
        created_at=parse_datetime(project.get("created_at")),
        updated_at=parse_datetime(project.get("last_activity_at")),
    )


def parse_label(label: str | dict[str, Any]) -> FetchedLabel:
    if isinstance(label, str):
        return FetchedLabel(name=label)
    color = label.get("color")
    return FetchedLabel(
        name=label["name"],
        color=color.lstrip("#").lower() if color else None,
        description=label.get("description"),
    )


def parse_issue(
    instance_name: str, issue: dict[str, Any], repository: FetchedRepository
) -> FetchedIssue | None:
    """Return the record of a GitLab issue, or None for a confidential issue
    (never stored, whatever the token may see) or another work item type."""
    if issue.get("confidential") or issue.get("type") not in ISSUE_TYPES:
        return None
    created_at = parse_datetime(issue["created_at"])
    assert created_at is not None  # GitLab always sets created_at
    return FetchedIssue(
        source=SOURCE,
        external_id=external_id(instance_name, issue["id"]),
        number=issue["iid"],
        title=issue["title"],
        body=issue.get("description") or "",
        state="open" if issue["state"] == "opened" else "closed",
        url=issue["web_url"],
        created_at=created_at,
        updated_at=parse_datetime(issue.get("updated_at")) or created_at,
        closed_at=parse_datetime(issue.get("closed_at")),
        locked=bool(issue.get("discussion_locked")),
        assignee_count=len(issue.get("assignees") or []),
        comment_count=issue.get("user_notes_count") or 0,
        labels=tuple(parse_label(label) for label in issue.get("labels") or []),
        repository=repository,
    )
