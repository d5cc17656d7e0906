"""POST /v1/refresh and GET /v1/refresh/{job_id}, with real workers."""

import pytest
from fastapi.testclient import TestClient

from fakes.github.server_thread import run_fake_github
from search_api.app import create_app
from tests.pipeline import github_url, record, running_worker, wait_for_job, write_records

ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic abc"}, 401),
        ({"Authorization": "Bearer wrong-token"}, 403),
    ],
)
def test_refresh_requires_the_admin_token(client, headers, status):
    response = client.post("/v1/refresh", headers=headers)
    assert response.status_code == status
    assert set(response.json()["error"]) == {"code", "message", "details"}


def test_refresh_runs_and_reports_progress(client, tmp_path):
    path = write_records(tmp_path / "issues.jsonl", [record(n) for n in range(1, 4)])
    with run_fake_github(path) as github, github_url(github.graphql_url):
        response = client.post("/v1/refresh", headers=ADMIN)
        assert response.status_code == 202
        job_id = response.json()["job_id"]
        again = client.post("/v1/refresh", headers=ADMIN).json()
        assert again["job_id"] == job_id
        with running_worker():
            wait_for_job(job_id)
    progress = client.get(f"/v1/refresh/{job_id}").json()
    assert progress["status"] == "completed"
    assert progress["issues_seen"] == 3
    assert progress["issues_indexed"] == 3
    assert progress["pages_done"] == progress["pages_total"]
    assert client.get("/v1/search").json()["total"] == 3


def test_unknown_refresh_job_is_not_found(client):
    response = client.get("/v1/refresh/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"elasticsearch": "ok", "postgres": "ok", "redis": "ok"}


def test_openapi_lists_the_routes_with_examples(client):
    document = client.get("/openapi.json").json()
    assert {"/v1/search", "/v1/issues", "/v1/issues/{issue_id}", "/v1/refresh"} <= set(document["paths"])
    hit = document["components"]["schemas"]["IssueHit"]["properties"]
    assert hit["repo"]["examples"] == ["octo-org/octo-repo"]
