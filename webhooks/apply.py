"""Database and index changes shared by the GitHub and GitLab event handlers.

Each function commits its database change before it touches the index, and
the index writes raise `IndexLocked` during a rebuild, so the actor retries.
Every function is idempotent, because a retried actor runs it again.
"""

import logging
from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from core.database import session_scope
from indexer import refresh, search_index, store
from indexer.documents import document_id
from indexer.models import Issue, IssueLabel, Label, Repository
from indexer.normalize import classify_labels
from indexer.records import FetchedIssue
from indexer.write_lock import shared_write

logger = logging.getLogger(__name__)


def upsert_and_index(issue: FetchedIssue) -> None:
    """Store an issue unless the stored copy was updated later, then index it
    (or remove it from the index when it no longer qualifies)."""
    with session_scope() as session:
        stored = session.execute(
            select(Issue.updated_at).where(
                Issue.source == issue.source, Issue.external_id == issue.external_id
            )
        ).scalar_one_or_none()
        if stored is not None and stored > issue.updated_at:
            logger.info(
                "%s issue %s: delivery is older than the stored copy; skipped",
                issue.source,
                issue.external_id,
            )
            return
        ids = store.upsert_issues(session, [issue])
    refresh.index_issues(ids)


def delete_issue(source: str, external_id: str) -> None:
    with session_scope() as session:
        session.execute(
            delete(Issue).where(Issue.source == source, Issue.external_id == external_id)
        )
    with shared_write():
        search_index.write_documents([], [document_id(source, external_id)])


def repository_id(session: Session, source: str, external_id: str) -> int | None:
    return session.execute(
        select(Repository.id).where(
            Repository.source == source, Repository.external_id == external_id
        )
    ).scalar_one_or_none()


def issue_ids_of_repository(session: Session, repo_id: int) -> list[int]:
    return list(
        session.execute(select(Issue.id).where(Issue.repository_id == repo_id)).scalars()
    )


def update_repository(
    source: str, external_id: str, *, issue_url_base: str | None = None, **values: object
) -> None:
    """Update a stored repository's columns and re-index its issues; a
    repository that is not stored is left alone. With `issue_url_base`, the
    issue URLs become `<issue_url_base>/issues/<number>` (after a rename or
    transfer)."""
    with session_scope() as session:
        repo_id = repository_id(session, source, external_id)
        if repo_id is None:
            return
        session.execute(update(Repository).where(Repository.id == repo_id).values(**values))
        if issue_url_base:
            session.execute(
                update(Issue)
                .where(Issue.repository_id == repo_id)
                .values(url=func.concat(issue_url_base, "/issues/", Issue.number))
            )
        ids = issue_ids_of_repository(session, repo_id)
    refresh.index_issues(ids)


def delete_repository(source: str, external_id: str) -> None:
    """Remove a repository's issues from the index, then delete it with them."""
    with session_scope() as session:
        repo_id = repository_id(session, source, external_id)
        if repo_id is None:
            return
        doc_ids = [
            document_id(source, ext)
            for ext in session.execute(
                select(Issue.external_id).where(Issue.repository_id == repo_id)
            ).scalars()
        ]
    # The index goes first: deleting the rows first would lose the document
    # ids if the index write failed, and the retry would find nothing.
    with shared_write():
        search_index.write_documents([], doc_ids)
    with session_scope() as session:
        session.execute(delete(Repository).where(Repository.id == repo_id))


def reclassify(session: Session, issue_ids: Sequence[int]) -> None:
    """Recompute the label facets of issues from their current labels."""
    for issue_id in issue_ids:
        names = session.execute(
            select(Label.name)
            .join(IssueLabel, IssueLabel.label_id == Label.id)
            .where(IssueLabel.issue_id == issue_id)
        ).scalars()
        facets = classify_labels(names)
        session.execute(
            update(Issue)
            .where(Issue.id == issue_id)
            .values(
                difficulty=facets.difficulty,
                kinds=list(facets.kinds),
                events=list(facets.events),
                beginner_friendly=facets.beginner_friendly,
                help_wanted=facets.help_wanted,
            )
        )


def _issues_with_label(session: Session, label_id: int) -> list[int]:
    return list(
        session.execute(
            select(IssueLabel.issue_id).where(IssueLabel.label_id == label_id)
        ).scalars()
    )


def rename_label(
    source: str,
    repo_external_id: str,
    old_name: str,
    new_name: str,
    color: str | None,
    description: str | None,
) -> None:
    """Rename a repository's label (merging into an existing label of the new
    name), recompute the facets of its issues and re-index them."""
    with session_scope() as session:
        repo_id = repository_id(session, source, repo_external_id)
        if repo_id is None:
            return
        labels = {
            label.name: label
            for label in session.execute(
                select(Label).where(
                    Label.repository_id == repo_id, Label.name.in_([old_name, new_name])
                )
            ).scalars()
        }
        old, target = labels.get(old_name), labels.get(new_name)
        if old is None and target is None:
            return
        if old is not None and target is not None and old.id != target.id:
            _merge_label(session, old.id, target.id)
        elif old is not None:
            old.name = new_name
            target = old
        assert target is not None
        target.color = color
        target.description = description
        session.flush()
        affected = _issues_with_label(session, target.id)
        reclassify(session, affected)
    refresh.index_issues(affected)


def _merge_label(session: Session, old_id: int, target_id: int) -> None:
    issue_ids = _issues_with_label(session, old_id)
    if issue_ids:
        session.execute(
            insert(IssueLabel)
            .values([{"issue_id": i, "label_id": target_id} for i in issue_ids])
            .on_conflict_do_nothing()
        )
    session.execute(delete(Label).where(Label.id == old_id))


def delete_label(source: str, repo_external_id: str, name: str) -> None:
    """Delete a repository's label, recompute the facets of the issues that
    carried it and re-index them."""
    with session_scope() as session:
        repo_id = repository_id(session, source, repo_external_id)
        if repo_id is None:
            return
        label_id = session.execute(
            select(Label.id).where(Label.repository_id == repo_id, Label.name == name)
        ).scalar_one_or_none()
        if label_id is None:
            return
        affected = _issues_with_label(session, label_id)
        session.execute(delete(Label).where(Label.id == label_id))
        reclassify(session, affected)
    refresh.index_issues(affected)
