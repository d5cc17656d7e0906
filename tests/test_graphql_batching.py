"""DataLoaders keep SQL queries and Elasticsearch requests flat in the page size."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from core.database import get_engine
from core.elastic import get_elasticsearch
from search_api.app import create_app
from tests.factories import make_issue, make_repository, store_and_index
from tests.graphql_helpers import graphql
from tests.tracking_support import make_caller, track

ISSUE_COUNT = 60
REPOSITORY_COUNT = 15

PAGE = """
query($first: Int!) {
  search(first: $first, sort: NEWEST) {
    totalCount
    hits {
      id bookmarked myStatus bookmarkId
      repository { fullName language stars }
      labels { name color }
    }
  }
}
"""


@dataclass
class Requests:
    sql: list[str] = field(default_factory=list)
    elasticsearch: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.sql.clear()
        self.elasticsearch.clear()


@pytest.fixture
def requests_sent(monkeypatch) -> Iterator[Requests]:
    """Record SQL statements and Elasticsearch HTTP requests."""
    sent = Requests()

    def record_sql(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.sql.append(statement)

    transport = get_elasticsearch().transport
    perform_request = transport.perform_request

    def record_elasticsearch(
        method: str, target: str, *args: Any, **kwargs: Any
    ) -> Any:
        sent.elasticsearch.append(f"{method} {target}")
        return perform_request(method, target, *args, **kwargs)

    monkeypatch.setattr(transport, "perform_request", record_elasticsearch)
    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record_sql)
    yield sent
    event.remove(engine, "before_cursor_execute", record_sql)


@pytest.fixture
def catalog() -> list[str]:
    """Sixty issues over fifteen repositories, two labels each; returns API ids."""
    repositories = [
        make_repository(f"org{n}/repo{n}", "Python" if n % 2 else "Go")
        for n in range(REPOSITORY_COUNT)
    ]
    issues = [
        make_issue(
            number,
            f"Issue {number}",
            ("good first issue", f"area-{number % 7}"),
            repositories[number % REPOSITORY_COUNT],
        )
        for number in range(1, ISSUE_COUNT + 1)
    ]
    store_and_index(issues)
    return [f"{issue.source}:{issue.external_id}" for issue in issues]


def fetch_page(client: TestClient, token: str, first: int, sent: Requests) -> Requests:
    sent.clear()
    body = graphql(client, PAGE, {"first": first}, token=token)
    assert "errors" not in body, body.get("errors")
    hits = body["data"]["search"]["hits"]
    assert len(hits) == first
    assert all(hit["repository"] is not None for hit in hits)
    assert all(len(hit["labels"]) == 2 for hit in hits)
    assert all(hit["bookmarked"] is not None for hit in hits)
    return Requests(sql=list(sent.sql), elasticsearch=list(sent.elasticsearch))


def test_page_requests_do_not_grow_with_page_size(catalog, requests_sent):
    client = TestClient(create_app())
    caller = make_caller("ada@example.com")
    token = caller.headers["Authorization"].removeprefix("Bearer ")
    # The newest issues are on both pages, so both carry tracked state.
    for issue_id in catalog[-3:]:
        track(client, caller, issue_id)

    small = fetch_page(client, token, 10, requests_sent)
    large = fetch_page(client, token, 50, requests_sent)

    assert len(large.sql) == len(small.sql), (small.sql, large.sql)
    assert len(large.elasticsearch) == len(small.elasticsearch), (
        small.elasticsearch,
        large.elasticsearch,
    )
    # One statement each for the caller, the tracked state, the repositories
    # and the labels of the page.
    assert len(large.sql) <= 4, large.sql
    # The search, plus opening a point in time for the next-page cursor.
    assert len(large.elasticsearch) <= 2, large.elasticsearch


def test_tracked_state_reaches_page_hits(catalog):
    client = TestClient(create_app())
    caller = make_caller("ada@example.com")
    token = caller.headers["Authorization"].removeprefix("Bearer ")
    bookmark = track(client, caller, catalog[-1], status="in_progress")
    body = graphql(client, PAGE, {"first": 2}, token=token)
    hits = body["data"]["search"]["hits"]
    assert [hit["id"] for hit in hits] == [catalog[-1], catalog[-2]]
    assert [hit["bookmarked"] for hit in hits] == [True, False]
    assert [hit["myStatus"] for hit in hits] == ["in_progress", None]
    assert [hit["bookmarkId"] for hit in hits] == [bookmark["id"], None]
