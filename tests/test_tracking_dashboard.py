"""The personal dashboard and the platform analytics."""

from datetime import date, datetime, time, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from core.database import session_scope
from core.redis_client import get_redis
from search_api.app import create_app
from tests.tracking_support import Caller, index_catalog, make_caller, pull_url, track
from tracking.dashboard import current_streak
from tracking.models import StatusTransition


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def catalog() -> dict[int, str]:
    return index_catalog()


@pytest.fixture
def alice() -> Caller:
    return make_caller("alice@example.org")


@pytest.fixture
def bob() -> Caller:
    return make_caller("bob@example.org")


def complete(client: TestClient, caller: Caller, issue_id: str, repo: str) -> dict:
    bookmark = track(client, caller, issue_id, status="in_progress")
    response = client.put(
        f"/v1/bookmarks/{bookmark['id']}",
        json={"status": "completed", "pr_url": pull_url(1, repo)},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text
    return response.json()


def add_activity(caller: Caller, bookmark_id: int, days_ago: list[int]) -> None:
    today = datetime.now(timezone.utc).date()
    with session_scope() as session:
        for days in days_ago:
            moment = datetime.combine(
                today - timedelta(days=days), time(12), timezone.utc
            )
            session.add(
                StatusTransition(
                    tracked_issue_id=bookmark_id,
                    user_id=caller.user_id,
                    from_status="to_do",
                    to_status="in_progress",
                    changed_at=moment,
                )
            )


def test_dashboard_counts_and_work(client, catalog, alice):
    complete(client, alice, catalog[1], "acme/widgets")
    track(client, alice, catalog[2], status="in_progress")
    track(client, alice, catalog[3])
    body = client.get("/v1/dashboard", headers=alice.headers).json()
    assert body["counts"] == {
        "to_do": 1,
        "in_progress": 1,
        "completed": 1,
        "dropped": 0,
    }
    assert body["languages"] == [{"name": "Python", "count": 2}]
    assert body["repositories"] == [{"name": "acme/widgets", "count": 2}]
    months = body["completions_per_month"]
    assert len(months) == 12
    assert months[-1] == {
        "month": datetime.now(timezone.utc).strftime("%Y-%m"),
        "count": 1,
    }
    assert sum(month["count"] for month in months) == 1
    assert body["current_streak_days"] == 1
    assert body["last_active_on"] == datetime.now(timezone.utc).date().isoformat()


def test_dashboard_streak_counts_days_in_a_row(client, catalog, alice):
    bookmark = track(client, alice, catalog[1])
    add_activity(alice, bookmark["id"], [1, 2, 2, 4])
    body = client.get("/v1/dashboard", headers=alice.headers).json()
    assert body["current_streak_days"] == 3


def test_dashboard_is_per_user(client, catalog, alice, bob):
    complete(client, alice, catalog[1], "acme/widgets")
    body = client.get("/v1/dashboard", headers=bob.headers).json()
    assert body["counts"] == {
        "to_do": 0,
        "in_progress": 0,
        "completed": 0,
        "dropped": 0,
    }
    assert body["languages"] == []
    assert body["current_streak_days"] == 0
    assert body["last_active_on"] is None


@pytest.mark.parametrize(
    ("days_ago", "streak"),
    [
        ([], 0),
        ([0], 1),
        ([1], 1),
        ([2], 0),
        ([0, 1, 2], 3),
        ([1, 2, 4], 2),
        ([0, 2], 1),
    ],
)
def test_current_streak(days_ago, streak):
    today = date(2026, 3, 10)
    days = [today - timedelta(days=d) for d in days_ago]
    assert current_streak(days, today) == streak


def test_analytics_figures(client, catalog, alice, bob):
    complete(client, alice, catalog[1], "acme/widgets")
    track(client, bob, catalog[2])
    track(client, alice, catalog[3])
    body = client.get("/v1/analytics", params={"period": "week"}).json()
    assert body["period"] == "week"
    assert body["bucket"] == "day"
    assert sum(bucket["count"] for bucket in body["issues_indexed"]) == 5
    assert body["issues_by_language"] == [
        {"value": "Python", "count": 3},
        {"value": "Rust", "count": 2},
    ]
    assert sum(item["count"] for item in body["issues_by_difficulty"]) == 5
    # ferris/crab is tracked by one user only, so it stays out.
    assert body["most_bookmarked_repositories"] == [
        {"repo": "acme/widgets", "bookmarks": 2}
    ]
    assert sum(bucket["count"] for bucket in body["completions"]) == 1


def test_analytics_has_no_personal_data(client, catalog, alice, bob):
    track(client, alice, catalog[1], notes="secret plan")
    track(client, bob, catalog[1])
    text = client.get("/v1/analytics", headers=alice.headers).text
    for private in ("alice", "bob", "secret plan", "user_id", "email"):
        assert private not in text


def test_analytics_served_from_cache(client, catalog, alice):
    first = client.get("/v1/analytics", params={"period": "year"}).json()
    assert first["completions"] == []
    complete(client, alice, catalog[1], "acme/widgets")
    cached = client.get("/v1/analytics", params={"period": "year"}).json()
    assert cached == first
    get_redis().flushdb()
    fresh = client.get("/v1/analytics", params={"period": "year"}).json()
    assert fresh["bucket"] == "month"
    assert sum(bucket["count"] for bucket in fresh["completions"]) == 1


def test_analytics_rejects_unknown_period(client):
    response = client.get("/v1/analytics", params={"period": "decade"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"
