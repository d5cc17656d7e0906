"""Repository facts fetched from GitHub, stored, indexed, filtered and sorted."""

from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.database import session_scope
from fakes.github.server_thread import run_fake_github
from indexer.github.parse import MalformedNode, parse_issue
from indexer.models import Issue, Repository
from search_api.app import create_app
from tests.pipeline import github_url, record, run_refresh, running_worker, write_records

RECENT = (datetime.now(timezone.utc) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def records_file(tmp_path):
    records = [
        record(1, repo="big/popular", stars=5000, forks=300, topics=["python", "cli"],
               license="MIT", pushed_at=RECENT),
        record(2, repo="small/quiet", stars=12, forks=1, topics=["rust"],
               license="Apache-2.0", pushed_at="2020-01-01T00:00:00Z"),
        record(3, repo="mid/steady", stars=150, license=None, pushed_at=RECENT),
    ]
    return write_records(tmp_path / "facts.jsonl", records)


def numbers(params: dict) -> list[int]:
    response = TestClient(create_app()).get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    return [hit["number"] for hit in response.json()["hits"]]


def test_facts_are_stored_and_filterable(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            assert run_refresh().status == "completed"
    with session_scope() as session:
        big = session.execute(
            select(Repository).where(Repository.full_name == "big/popular")
        ).scalar_one()
    assert big.stars == 5000
    assert big.forks == 300
    assert big.topics == ["python", "cli"]
    assert big.license_spdx == "MIT"
    assert big.pushed_at is not None
    assert sorted(numbers({"min_stars": 100})) == [1, 3]
    assert sorted(numbers({"pushed_within": "month"})) == [1, 3]
    assert numbers({"sort": "stars"}) == [1, 3, 2]
    assert numbers({"topic": "rust"}) == [2]
    assert numbers({"license": "MIT"}) == [1]


def test_negative_min_stars_is_rejected():
    response = TestClient(create_app()).get("/v1/search", params={"min_stars": -1})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_incomplete_node_raises_and_stores_nothing():
    node = {"__typename": "Issue", "id": "I_1", "number": 1, "title": "t",
            "createdAt": "2024-01-01T00:00:00Z"}
    with pytest.raises(MalformedNode):
        parse_issue(node)


def test_truncated_answers_store_no_partial_record(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        github.fake.faults.malformed(count=2)
        with running_worker():
            progress = run_refresh(timeout=180)
    assert progress.status == "completed"
    with session_scope() as session:
        issues = session.execute(select(Issue)).scalars().all()
    assert sorted(issue.number for issue in issues) == [1, 2, 3]
    assert all(issue.title == f"Issue number {issue.number}" for issue in issues)
