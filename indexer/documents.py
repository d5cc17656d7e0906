"""Build Elasticsearch documents from stored issues."""

from datetime import datetime, timezone
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from indexer.models import Issue, Label, Repository


def document_id(source: str, external_id: str) -> str:
    """Stable index id, so re-indexing an issue replaces its document."""
    return f"{source}:{external_id}"


# The functions below read attributes only, so they take model instances or
# database rows with the models' column names alike.
IssueColumns = Issue | Row
RepositoryColumns = Repository | Row


def is_searchable(issue: IssueColumns, repository: RepositoryColumns) -> bool:
    """Whether an issue belongs in the index: open, beginner-friendly, unlocked,
    in a repository that is not archived. Assigned issues stay in the index and
    are hidden by the default search filter."""
    return (
        issue.state == "open"
        and issue.beginner_friendly
        and not issue.locked
        and not repository.archived
    )


def build_document(
    issue: IssueColumns, repository: RepositoryColumns, labels: Sequence[Label | Row]
) -> dict[str, Any]:
    return {
        "doc_id": document_id(issue.source, issue.external_id),
        "source": issue.source,
        "external_id": issue.external_id,
        "number": issue.number,
        "url": issue.url,
        "title": issue.title,
        "title_suggest": {"input": [issue.title[:200]]},
        "body": issue.description,
        "state": issue.state,
        "locked": issue.locked,
        "assigned": issue.assignee_count > 0,
        "comment_count": issue.comment_count,
        "labels": sorted(label.name for label in labels),
        "language": repository.language,
        "difficulty": issue.difficulty,
        "kinds": list(issue.kinds or []),
        "events": list(issue.events or []),
        "beginner_friendly": issue.beginner_friendly,
        "help_wanted": issue.help_wanted,
        "repo": repository.full_name,
        "repo_name": repository.name,
        "repo_owner": repository.owner,
        "repo_description": repository.description,
        "repo_url": repository.url,
        "stars": repository.stars,
        "forks": repository.forks,
        "repo_archived": repository.archived,
        "topics": list(repository.topics or []),
        "license": repository.license_spdx,
        "pushed_at": repository.pushed_at.isoformat() if repository.pushed_at else None,
        "created_at": issue.created_at.isoformat(),
        "updated_at": issue.updated_at.isoformat(),
        "indexed_at": datetime.now(timezone.utc).isoformat(),
    }
