"""Tracked repositories: the admin API, the CLI, and GitHub repositories that
are archived, deleted, renamed or transferred between two refreshes."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cli.main import main as odyssey
from core.database import session_scope
from fakes.github.server_thread import run_fake_github
from indexer.models import Issue, RefreshPage
from indexer.tracked import service
from search_api.app import create_app
from tests.gitlab_helpers import gitlab_instances
from tests.pipeline import (
    github_url,
    indexed_numbers,
    record,
    run_refresh,
    running_worker,
    write_records,
)

ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture
def api():
    return TestClient(create_app())


def test_tracked_repositories_need_the_admin_token(api):
    assert api.get("/v1/tracked-repositories").status_code == 401
    response = api.post(
        "/v1/tracked-repositories",
        json={"source": "github", "full_name": "acme/widgets"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert response.status_code == 403
    assert api.delete("/v1/tracked-repositories/1").status_code == 401


def test_add_list_and_remove_through_the_api(api):
    with gitlab_instances({"name": "local", "url": "http://127.0.0.1:9"}):
        added = api.post(
            "/v1/tracked-repositories",
            json={"source": "github", "full_name": "acme/widgets"},
            headers=ADMIN,
        )
        again = api.post(
            "/v1/tracked-repositories",
            json={"source": "github", "full_name": "ACME/Widgets"},
            headers=ADMIN,
        )
        project = api.post(
            "/v1/tracked-repositories",
            json={"source": "gitlab", "full_name": "group/sub/project"},
            headers=ADMIN,
        )
    assert added.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == added.json()["id"]
    assert project.status_code == 201
    assert project.json()["instance"] == "local"
    assert project.json()["status"] == "pending"

    listed = api.get("/v1/tracked-repositories", headers=ADMIN).json()
    assert [item["full_name"] for item in listed] == ["acme/widgets", "group/sub/project"]
    only_gitlab = api.get("/v1/tracked-repositories?source=gitlab", headers=ADMIN).json()
    assert [item["source"] for item in only_gitlab] == ["gitlab"]

    removed = api.delete(f"/v1/tracked-repositories/{added.json()['id']}", headers=ADMIN)
    assert removed.status_code == 204
    missing = api.delete(f"/v1/tracked-repositories/{added.json()['id']}", headers=ADMIN)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [
        {"source": "github", "full_name": "no-slash"},
        {"source": "github", "full_name": "a/b/c"},
        {"source": "gitlab", "full_name": "group/project", "instance": "unknown"},
    ],
)
def test_invalid_repositories_are_refused(api, body):
    response = api.post("/v1/tracked-repositories", json=body, headers=ADMIN)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


def test_unknown_source_is_refused(api):
    response = api.post(
        "/v1/tracked-repositories", json={"source": "gitea", "full_name": "a/b"}, headers=ADMIN
    )
    assert response.status_code == 422


def test_cli_adds_lists_and_removes(capsys):
    assert odyssey(["repos", "add", "acme/widgets"]) == 0
    assert odyssey(["repos", "list"]) == 0
    listed = capsys.readouterr().out
    assert "acme/widgets" in listed
    assert "pending" in listed
    assert odyssey(["repos", "remove", "acme/widgets"]) == 0
    assert odyssey(["repos", "remove", "acme/widgets"]) == 1
    assert "not tracked" in capsys.readouterr().err
    assert odyssey(["repos", "add", "not-a-repo"]) == 1


@pytest.fixture
def github_records(tmp_path):
    return write_records(
        tmp_path / "issues.jsonl",
        [
            record(1, repo="acme/widgets"),
            record(2, repo="acme/widgets", labels=["good-first-issue"]),
            record(3, repo="other/tool"),
        ],
    )


def track(full_name: str) -> None:
    with session_scope() as session:
        service.add_tracked(session, "github", full_name)


def tracked_status() -> tuple[str, str, str | None]:
    with session_scope() as session:
        (row,) = service.list_tracked(session, "github")
        return row.full_name, row.status, row.external_id


def refresh_around(github_records, change) -> list[tuple[str, int]]:
    with run_fake_github(github_records) as github, github_url(github.graphql_url):
        track("acme/widgets")
        with running_worker():
            assert run_refresh().status == "completed"
            change(github.fake.store)
            assert run_refresh().status == "completed"
    return indexed_numbers()


def test_tracked_repository_adds_repo_queries(github_records):
    with run_fake_github(github_records) as github, github_url(github.graphql_url):
        track("acme/widgets")
        with running_worker():
            assert run_refresh().status == "completed"
    with session_scope() as session:
        queries = set(session.execute(select(RefreshPage.search_query)).scalars())
    assert any("repo:acme/widgets" in query for query in queries)
    name, status, node_id = tracked_status()
    assert (name, status) == ("acme/widgets", "active") and node_id


def test_archived_tracked_repository_leaves_the_index(github_records):
    after = refresh_around(github_records, lambda store: store.archive_repo("acme/widgets"))
    assert after == [("other/tool", 3)]
    assert tracked_status()[1] == "archived"


def test_deleted_tracked_repository_leaves_the_index(github_records):
    after = refresh_around(github_records, lambda store: store.delete_repo("acme/widgets"))
    assert after == [("other/tool", 3)]
    assert tracked_status()[1] == "deleted"
    with session_scope() as session:
        numbers = set(session.execute(select(Issue.number)).scalars())
    assert numbers == {3}


@pytest.mark.parametrize("new_name", ["acme/gadgets", "newco/widgets"])
def test_renamed_or_transferred_repository_keeps_its_issues(github_records, new_name):
    before: set[str] = set()

    def rename(store):
        with session_scope() as session:
            before.update(session.execute(select(Issue.external_id)).scalars())
        store.rename_repo("acme/widgets", new_name)

    after = refresh_around(github_records, rename)
    assert after == sorted([(new_name, 1), (new_name, 2), ("other/tool", 3)])
    assert tracked_status()[:2] == (new_name, "active")
    with session_scope() as session:
        external_ids = set(session.execute(select(Issue.external_id)).scalars())
        url = session.execute(select(Issue.url).where(Issue.number == 1)).scalar_one()
    assert external_ids == before
    assert url == f"https://github.com/{new_name}/issues/1"
