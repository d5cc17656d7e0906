"""Builders of small issue fixtures, written for these tests."""

from datetime import datetime, timedelta, timezone

from core.database import session_scope
from core.elastic import get_elasticsearch
from indexer import refresh, store
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository
from indexer.search_index import alias_name, ensure_index

BASE_TIME = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def make_repository(full_name: str = "acme/widgets", language: str | None = "Python", **fields) -> FetchedRepository:
    owner, name = full_name.split("/")
    values = {
        "source": "github",
        "external_id": f"R_{full_name.replace('/', '_')}",
        "name": name,
        "full_name": full_name,
        "owner": owner,
        "url": f"https://github.com/{full_name}",
        "description": f"The {name} project",
        "language": language,
        "stars": 10,
    }
    values.update(fields)
    return FetchedRepository(**values)


def make_issue(
    number: int,
    title: str = "Fix a typo in the guide",
    labels: tuple[str, ...] = ("good first issue",),
    repository: FetchedRepository | None = None,
    age_days: int = 0,
    **fields,
) -> FetchedIssue:
    repository = repository or make_repository()
    created = BASE_TIME + timedelta(days=number) - timedelta(days=age_days)
    values = {
        "source": "github",
        "external_id": f"I_{repository.full_name.replace('/', '_')}_{number}",
        "number": number,
        "title": title,
        "body": f"Body of issue {number}: {title}",
        "state": "open",
        "url": f"{repository.url}/issues/{number}",
        "created_at": created,
        "updated_at": created,
        "repository": repository,
        "labels": tuple(FetchedLabel(name=label, color="7057ff") for label in labels),
    }
    values.update(fields)
    return FetchedIssue(**values)


def store_and_index(issues: list[FetchedIssue]) -> list[int]:
    """Store issues in PostgreSQL, index them, and make them searchable now."""
    ensure_index()
    with session_scope() as session:
        ids = store.upsert_issues(session, issues, job_id=None)
    refresh.index_issues(ids)
    get_elasticsearch().indices.refresh(index=alias_name())
    return ids
