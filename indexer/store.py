"""Idempotent upserts of fetched issues into PostgreSQL.

Rows are written in key order, so two concurrent page jobs that share
repositories or labels lock them in the same order and cannot deadlock.

Each table is written with one statement per page (`core.bulk_upsert`).
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timezone

from sqlalchemy import Row, delete, select
from sqlmodel import Session

from core.bulk_upsert import upsert_rows
from indexer.models import Issue, IssueLabel, Label, Repository
from indexer.normalize import classify_labels
from indexer.records import FetchedIssue, FetchedRepository

logger = logging.getLogger(__name__)

REPOSITORY_KEYS = ("source", "external_id")
ISSUE_KEYS = ("source", "external_id")
LABEL_KEYS = ("repository_id", "name")


def repository_row(repo: FetchedRepository, fetched_at: datetime) -> dict:
    """Build the `repository` table row of a fetched repository."""
    return {
        "source": repo.source,
        "external_id": repo.external_id,
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": repo.owner,
        "description": repo.description,
        "url": repo.url,
        "language": repo.language,
        "stars": repo.stars,
        "archived": repo.archived,
        "created_at": repo.created_at,
        "updated_at": repo.updated_at,
        "forks": repo.forks,
        "topics": list(repo.topics),
        "license_spdx": repo.license_spdx,
        "license_name": repo.license_name,
        "pushed_at": repo.pushed_at,
        "fetched_at": fetched_at,
    }


def upsert_repositories(
    session: Session, repositories: Sequence[FetchedRepository]
) -> dict[tuple[str, str], int]:
    """Insert or update repositories; return their ids by (source, external_id)."""
    unique = {(repo.source, repo.external_id): repo for repo in repositories}
    if not unique:
        return {}
    now = datetime.now(timezone.utc)
    rows = [repository_row(repo, now) for _, repo in sorted(unique.items())]
    returned = upsert_rows(
        session,
        Repository.__table__,
        rows,
        keys=REPOSITORY_KEYS,
        updated=[column for column in rows[0] if column not in REPOSITORY_KEYS],
        returning=("id", *REPOSITORY_KEYS),
    )
    return {(source, external_id): row_id for row_id, source, external_id in returned}


def upsert_labels(
    session: Session, issues: Sequence[FetchedIssue], repository_ids: dict
) -> dict[tuple[int, str], int]:
    """Insert or update each repository's labels; return ids by (repo id, name)."""
    unique: dict[tuple[int, str], dict] = {}
    for issue in issues:
        repository_id = repository_ids[(issue.source, issue.repository.external_id)]
        for label in issue.labels:
            unique[(repository_id, label.name)] = {
                "repository_id": repository_id,
                "name": label.name,
                "color": label.color,
                "description": label.description,
            }
    if not unique:
        return {}
    rows = [unique[key] for key in sorted(unique)]
    returned = upsert_rows(
        session,
        Label.__table__,
        rows,
        keys=LABEL_KEYS,
        updated=("color", "description"),
        returning=("id", *LABEL_KEYS),
    )
    return {(repository_id, name): label_id for label_id, repository_id, name in returned}


def issue_row(issue: FetchedIssue, repository_id: int, job_id: str | None) -> dict:
    """Build the `issue` table row of a fetched issue, with its label facets."""
    facets = classify_labels(label.name for label in issue.labels)
    now = datetime.now(timezone.utc)
    return {
        "source": issue.source,
        "external_id": issue.external_id,
        "repository_id": repository_id,
        "number": issue.number,
        "title": issue.title,
        "description": issue.body,
        "state": issue.state,
        "url": issue.url,
        "locked": issue.locked,
        "assignee_count": issue.assignee_count,
        "comment_count": issue.comment_count,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "difficulty": facets.difficulty,
        "kinds": list(facets.kinds),
        "events": list(facets.events),
        "beginner_friendly": facets.beginner_friendly,
        "help_wanted": facets.help_wanted,
        "first_seen_at": now,
        "last_seen_at": now,
        "last_seen_job": job_id,
        "last_checked_at": now,
    }


def upsert_issues(
    session: Session, issues: Sequence[FetchedIssue], job_id: str | None = None
) -> list[int]:
    """Insert or update issues with their repositories and labels; return the
    issue ids. Running it twice with the same records leaves the same rows."""
    unique = {(issue.source, issue.external_id): issue for issue in issues}
    if not unique:
        return []
    ordered = [unique[key] for key in sorted(unique)]
    repository_ids = upsert_repositories(session, [i.repository for i in ordered])
    label_ids = upsert_labels(session, ordered, repository_ids)

    rows = [
        issue_row(issue, repository_ids[(issue.source, issue.repository.external_id)], job_id)
        for issue in ordered
    ]
    kept_on_update = ("source", "external_id", "first_seen_at")
    if job_id is None:
        # A webhook or reconciliation update must not claim that a search saw it.
        kept_on_update += ("last_seen_job",)
    returned = upsert_rows(
        session,
        Issue.__table__,
        rows,
        keys=ISSUE_KEYS,
        updated=[column for column in rows[0] if column not in kept_on_update],
        returning=("id", *ISSUE_KEYS),
    )
    issue_ids = {(source, external_id): row_id for row_id, source, external_id in returned}

    ids = [issue_ids[key] for key in sorted(unique)]
    session.execute(delete(IssueLabel).where(IssueLabel.issue_id.in_(ids)))
    links = {
        (issue_ids[(issue.source, issue.external_id)], label_ids[(repository_ids[(issue.source, issue.repository.external_id)], label.name)])
        for issue in ordered
        for label in issue.labels
    }
    if links:
        upsert_rows(
            session,
            IssueLabel.__table__,
            [{"issue_id": issue_id, "label_id": label_id} for issue_id, label_id in sorted(links)],
            keys=("issue_id", "label_id"),
        )
    return ids


def delete_issues(session: Session, issue_ids: Sequence[int]) -> int:
    """Delete issues (and their label links) that no longer exist upstream."""
    if not issue_ids:
        return 0
    result = session.execute(delete(Issue).where(Issue.id.in_(list(issue_ids))))
    return result.rowcount or 0


def load_issues_for_index(
    session: Session, issue_ids: Sequence[int]
) -> list[tuple[Row, Row, list[Row]]]:
    """Load issues with their repository and labels in three queries.

    Returns plain rows, whose attributes carry the column names of the
    models: the index only reads them, and building ORM objects for a page
    of issues cost more than the queries.
    """
    if not issue_ids:
        return []
    ids = list(issue_ids)
    issues = session.execute(select(Issue.__table__).where(Issue.id.in_(ids))).all()
    repository_ids = {issue.repository_id for issue in issues}
    repositories = {
        repository.id: repository
        for repository in session.execute(
            select(Repository.__table__).where(Repository.id.in_(repository_ids))
        )
    }
    label_rows = session.execute(
        select(IssueLabel.issue_id, Label.__table__)
        .join(Label, IssueLabel.label_id == Label.id)
        .where(IssueLabel.issue_id.in_(ids))
    ).all()
    labels: dict[int, list[Row]] = {}
    for label in label_rows:
        labels.setdefault(label.issue_id, []).append(label)
    return [
        (issue, repositories[issue.repository_id], labels.get(issue.id, []))
        for issue in issues
    ]
