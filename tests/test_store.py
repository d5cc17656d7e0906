"""Idempotent upserts into the real PostgreSQL."""

from sqlalchemy import func, select

from core.database import session_scope
from indexer import store
from indexer.models import Issue, IssueLabel, Label, Repository
from tests.factories import make_issue, make_repository


def count(model) -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_upsert_twice_keeps_one_row_each():
    issues = [make_issue(1, labels=("good first issue", "docs")), make_issue(2)]
    with session_scope() as session:
        first = store.upsert_issues(session, issues, job_id="job-1")
    with session_scope() as session:
        second = store.upsert_issues(session, issues, job_id="job-1")
    assert first == second
    assert count(Issue) == 2
    assert count(Repository) == 1
    assert count(Label) == 2
    assert count(IssueLabel) == 3


def test_upsert_updates_fields_and_facets():
    with session_scope() as session:
        [issue_id] = store.upsert_issues(session, [make_issue(1, labels=("good first issue",))])
    relabelled = make_issue(1, title="New title", labels=("E-hard", "C-bug"), state="closed")
    with session_scope() as session:
        store.upsert_issues(session, [relabelled])
    with session_scope() as session:
        issue = session.get(Issue, issue_id)
        labels = session.execute(
            select(Label.name).join(IssueLabel).where(IssueLabel.issue_id == issue_id)
        ).scalars()
        assert issue.title == "New title"
        assert issue.state == "closed"
        assert issue.difficulty == "advanced"
        assert issue.beginner_friendly is False
        assert issue.kinds == ["bug"]
        assert sorted(labels) == ["C-bug", "E-hard"]


def test_upsert_without_job_keeps_search_fields():
    with session_scope() as session:
        [issue_id] = store.upsert_issues(session, [make_issue(1)], job_id="job-1")
    with session_scope() as session:
        first_seen = session.get(Issue, issue_id).first_seen_at
    with session_scope() as session:
        store.upsert_issues(session, [make_issue(1)], job_id=None)
    with session_scope() as session:
        issue = session.get(Issue, issue_id)
        assert issue.first_seen_at == first_seen
        assert issue.last_seen_job == "job-1"


def test_upsert_deduplicates_within_one_batch():
    with session_scope() as session:
        ids = store.upsert_issues(session, [make_issue(1), make_issue(1, title="Later copy")])
    assert len(ids) == 1
    assert count(Issue) == 1


def test_label_name_shared_by_two_repositories():
    left = make_repository("left/repo")
    right = make_repository("right/repo")
    with session_scope() as session:
        store.upsert_issues(
            session, [make_issue(1, repository=left), make_issue(1, repository=right)]
        )
    assert count(Label) == 2
    assert count(Repository) == 2
