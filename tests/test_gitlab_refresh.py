"""GitLab refreshes end to end: fake GitLab -> Dramatiq workers -> PostgreSQL
-> index, with faults and project lifecycle changes."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from core.database import session_scope
from fakes.gitlab.server_thread import run_fake_gitlab
from fakes.gitlab.store import GitLabStore
from indexer.models import Issue, Repository
from indexer.routes import start_refresh
from indexer.tracked import service as tracked_service
from search_api.app import create_app
from tests.gitlab_helpers import TOKEN, gitlab_instances, gitlab_record
from tests.pipeline import indexed_numbers, running_worker, wait_for_job


def run_gitlab_refresh(timeout: float = 120.0):
    job_id, created = start_refresh("gitlab")
    assert created
    return wait_for_job(job_id, timeout)


def fixture_store() -> GitLabStore:
    return GitLabStore.from_records(
        [
            gitlab_record(iid=1, labels=["quick win", "documentation"]),
            gitlab_record(iid=2, labels=["Newcomers"], project="group/sub/engine", language="Rust"),
            gitlab_record(iid=3, labels=["Beginner"], state="closed"),
            gitlab_record(iid=4, labels=["quick win"], confidential=True, title="Secret"),
            gitlab_record(iid=5, labels=["Seeking community contributions"]),
            gitlab_record(iid=6, labels=["bug"]),
            gitlab_record(iid=7, labels=["quick win"], project="old/frozen", project_archived=True),
            gitlab_record(iid=8, labels=["Beginner"], assignees=["ada"], discussion_locked=False),
        ]
    )


def test_refresh_indexes_open_beginner_issues_of_every_spelling():
    with run_fake_gitlab(fixture_store()) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url, "token": TOKEN}
    ), running_worker():
        progress = run_gitlab_refresh()
    assert progress.status == "completed"
    assert indexed_numbers() == [("group/sub/engine", 2), ("tools/widget", 1), ("tools/widget", 8)]
    with session_scope() as session:
        issue = session.execute(select(Issue).where(Issue.number == 1)).scalar_one()
        repository = session.get(Repository, issue.repository_id)
        stored = set(session.execute(select(Issue.number)).scalars())
    assert issue.source == "gitlab"
    assert issue.external_id.startswith("local:")
    assert issue.state == "open"
    assert issue.comment_count == 2
    assert repository is not None and repository.language == "Go"
    assert repository.full_name == "tools/widget"
    assert repository.owner == "tools"
    # Confidential issues are never stored; "Seeking community contributions"
    # is stored (help wanted) but stays out of the index without a beginner label.
    assert 4 not in stored
    assert 5 in stored


def test_each_label_spelling_is_its_own_request():
    with run_fake_gitlab(fixture_store()) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url, "token": TOKEN}
    ):
        with running_worker():
            run_gitlab_refresh()
        label_params = [
            params["labels"] for path, params in gitlab.fake.requests if path == "/api/v4/issues"
        ]
    assert all(len(values) == 1 and "," not in values[0] for values in label_params)
    assert {"quick win", "Newcomers", "Beginner"} <= {values[0] for values in label_params}


def test_refresh_survives_server_errors_throttling_and_truncated_bodies():
    with run_fake_gitlab(fixture_store()) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url, "token": TOKEN}
    ):
        gitlab.fake.faults.fail_next(2, status=502)
        gitlab.fake.throttle(1, retry_after=1)
        gitlab.fake.faults.malformed(2)
        with running_worker():
            progress = run_gitlab_refresh(timeout=180)
        statuses = dict(gitlab.fake.statuses)
    assert progress.status == "completed"
    assert len(indexed_numbers()) == 3
    assert statuses[502] == 2
    assert statuses[429] == 1


def test_rejected_token_keeps_the_index():
    with run_fake_gitlab(fixture_store(), tokens=["another"]) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url, "token": TOKEN}
    ):
        with running_worker():
            progress = run_gitlab_refresh()
    assert progress.status == "partial"
    assert progress.pages_failed > 0


def test_closed_deleted_and_relabelled_issues_leave_the_index():
    store = fixture_store()
    with run_fake_gitlab(store) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url, "token": TOKEN}
    ), running_worker():
        run_gitlab_refresh()
        store.close_issue("tools/widget", 1)
        store.remove_issue("tools/widget", 8)
        store.update_issue("group/sub/engine", 2, confidential=True)
        progress = run_gitlab_refresh()
    assert progress.status == "completed"
    assert indexed_numbers() == []
    with session_scope() as session:
        states = dict(session.execute(select(Issue.number, Issue.state)).all())
    assert states[1] == "closed"
    assert 8 not in states
    assert 2 not in states


def test_post_refresh_starts_gitlab_job():
    with run_fake_gitlab(fixture_store()) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url, "token": TOKEN}
    ), running_worker():
        response = TestClient(create_app()).post(
            "/v1/refresh?source=gitlab",
            headers={"Authorization": "Bearer test-admin-token"},
        )
        assert response.status_code == 202
        body = response.json()
        progress = wait_for_job(body["job_id"])
    assert body["source"] == "gitlab"
    assert progress.status == "completed"
    assert len(indexed_numbers()) == 3
    sources = TestClient(create_app()).get("/v1/sources").json()["sources"]
    [gitlab_state] = [entry for entry in sources if entry["source"] == "gitlab"]
    assert gitlab_state["last_status"] == "completed"
    assert gitlab_state["last_success_at"] is not None
    assert gitlab_state["stale"] is False


def tracked_project_run(store: GitLabStore, change) -> list[tuple[str, int]]:
    """Track tools/widget on an instance without a token (no global search),
    refresh, apply `change` to the fake, refresh again."""
    with run_fake_gitlab(store) as gitlab, gitlab_instances(
        {"name": "local", "url": gitlab.base_url}
    ):
        with session_scope() as session:
            tracked_service.add_tracked(session, "gitlab", "tools/widget", "local")
        with running_worker():
            assert run_gitlab_refresh().status == "completed"
            assert indexed_numbers() == [("tools/widget", 1), ("tools/widget", 8)]
            change(store)
            assert run_gitlab_refresh().status == "completed"
    return indexed_numbers()


def tracked_row():
    with session_scope() as session:
        (row,) = tracked_service.list_tracked(session, "gitlab")
        return row


def test_tracked_project_without_token_is_fetched_by_project():
    assert tracked_project_run(fixture_store(), lambda store: None) == [
        ("tools/widget", 1),
        ("tools/widget", 8),
    ]
    assert tracked_row().status == "active"


def test_archived_tracked_project_leaves_the_index():
    after = tracked_project_run(fixture_store(), lambda s: s.archive_project("tools/widget"))
    assert after == []
    assert tracked_row().status == "archived"


def test_deleted_tracked_project_takes_its_issues_along():
    after = tracked_project_run(fixture_store(), lambda s: s.delete_project("tools/widget"))
    assert after == []
    assert tracked_row().status == "deleted"
    with session_scope() as session:
        assert session.execute(select(Issue.id).where(Issue.number == 1)).first() is None


def test_renamed_project_keeps_its_issues():
    store = fixture_store()
    before_ids = {issue.id for issue in store.issues.values()}
    after = tracked_project_run(store, lambda s: s.rename_project("tools/widget", "apps/gadget"))
    assert after == [("apps/gadget", 1), ("apps/gadget", 8)]
    assert tracked_row().full_name == "apps/gadget"
    with session_scope() as session:
        external_ids = set(session.execute(select(Issue.external_id)).scalars())
        urls = set(session.execute(select(Issue.url).where(Issue.number == 1)).scalars())
    assert external_ids <= {f"local:{issue_id}" for issue_id in before_ids}
    assert urls == {"https://gitlab.example.com/apps/gadget/-/issues/1"}
