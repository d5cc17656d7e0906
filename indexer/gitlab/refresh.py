"""The steps of a GitLab refresh, on the same job and page tables as GitHub's.

plan: look up the tracked projects of every configured instance, then record
one first page per label for the instance-wide search (instances with a
token) and per label and tracked project.
fetch: store one page of issues with their projects, record the next page,
index the issues (`indexer.refresh.fetch_page` with a GitLab page fetcher).
finish: once no page is pending, re-check open GitLab issues the refresh did
not see, project by project, and update or delete them.

GitLab's `labels` filter returns issues that carry all the listed labels, so
every spelling is its own request.
"""

import json
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import select, update

from core.database import session_scope
from core.settings import GitLabInstance, get_settings
from indexer import refresh, refresh_jobs, search_index, source_state, store
from indexer.documents import document_id
from indexer.gitlab.client import GitLabClient
from indexer.gitlab.errors import GitLabNotFound, GitLabRequestError
from indexer.gitlab.parse import (
    SOURCE,
    external_id,
    main_language,
    parse_issue,
    parse_project,
)
from indexer.models import Issue, RefreshJob, RefreshPage, Repository
from indexer.normalize import GITLAB_SEARCH_LABELS
from indexer.records import FetchedIssue, FetchedRepository
from indexer.tracked import service as tracked_service
from indexer.write_lock import shared_write

logger = logging.getLogger(__name__)

# `iids[]` values per reconciliation request; GitLab pages hold at most 100.
RECONCILE_BATCH = 100


def instance_named(name: str) -> GitLabInstance:
    for instance in get_settings().gitlab_instances:
        if instance.name == name:
            return instance
    raise GitLabRequestError(f"GitLab instance {name!r} is not in GITLAB_INSTANCES")


def encode_request(instance: str, path: str, params: list[tuple[str, str]]) -> str:
    """The `search_query` of a page row: one list request, as JSON."""
    return json.dumps({"instance": instance, "path": path, "params": params}, sort_keys=True)


def decode_request(search_query: str) -> tuple[str, str, list[tuple[str, str]]]:
    data = json.loads(search_query)
    return data["instance"], data["path"], [tuple(pair) for pair in data["params"]]


def _list_params(label: str, extra: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        ("state", "opened"),
        ("labels", label),
        # Confidential issues are also dropped by the parser, whatever the
        # token may see.
        ("confidential", "false"),
        ("per_page", str(get_settings().gitlab_page_size)),
        *extra,
    ]


def instance_requests(instance: GitLabInstance) -> list[str]:
    """One instance-wide request per label (offset pagination)."""
    extra = [("scope", "all"), ("non_archived", "true"), ("order_by", "created_at"), ("sort", "asc")]
    return [
        encode_request(instance.name, "/issues", _list_params(label, extra))
        for label in GITLAB_SEARCH_LABELS
    ]


def project_requests(instance: GitLabInstance, project_id: int) -> list[str]:
    """One request per label for one project, keyset-paginated where the
    server supports it (it falls back to offset pagination otherwise)."""
    extra = [("pagination", "keyset"), ("order_by", "created_at"), ("sort", "asc")]
    return [
        encode_request(instance.name, f"/projects/{project_id}/issues", _list_params(label, extra))
        for label in GITLAB_SEARCH_LABELS
    ]


def plan_gitlab_refresh(job_id: str) -> list[int]:
    """Record the first page of every request; return pending page ids."""
    with session_scope() as session:
        job = session.get(RefreshJob, job_id)
        if job is None or job.status not in ("queued", "running"):
            logger.info("refresh %s is not waiting to be planned; skipping", job_id)
            return []
    requests: list[str] = []
    for instance in get_settings().gitlab_instances:
        if instance.global_search and instance.token:
            requests += instance_requests(instance)
        elif instance.global_search:
            logger.info(
                "GitLab %s has no token; searching its tracked projects only", instance.name
            )
        with GitLabClient(instance) as client:
            for project_id in look_up_tracked_projects(instance, client):
                requests += project_requests(instance, project_id)
    with session_scope() as session:
        refresh_jobs.add_pages(session, job_id, requests)
        session.execute(
            update(RefreshJob)
            .where(RefreshJob.id == job_id)
            .values(status="running", windows_planned=len(requests))
        )
        pending = refresh_jobs.pending_page_ids(session, job_id)
    logger.info("refresh %s planned %d GitLab requests", job_id, len(requests))
    return pending


def look_up_tracked_projects(instance: GitLabInstance, client: GitLabClient) -> list[int]:
    """Record each tracked project's status and current path; return the ids
    of the active ones.

    A project keeps its id when it is renamed or transferred, so a project
    looked up before is asked for by id. Archived and deleted projects are not
    fetched; their issues leave the index in the finish step.
    """
    with session_scope() as session:
        tracked = [
            (row.id, row.external_id, row.full_name)
            for row in tracked_service.list_tracked(session, SOURCE, instance.name)
        ]
    active = []
    for tracked_id, known_id, full_name in tracked:
        reference = known_id.rsplit(":", 1)[1] if known_id else full_name
        try:
            project = client.project(reference)
        except GitLabNotFound:
            with session_scope() as session:
                tracked_service.record_lookup(session, tracked_id, "deleted")
            continue
        status = "archived" if project.get("archived") else "active"
        with session_scope() as session:
            tracked_service.record_lookup(
                session,
                tracked_id,
                status,
                full_name=project["path_with_namespace"],
                external_id=external_id(instance.name, project["id"]),
            )
        if status == "active":
            active.append(int(project["id"]))
    return active


def store_gitlab_page(page_id: int, job_id: str, search_query: str, cursor: str) -> None:
    """Fetch one page of a GitLab list request and store its issues."""
    instance_name, path, params = decode_request(search_query)
    with GitLabClient(instance_named(instance_name)) as client:
        page = client.get_page(path, cursor or params)
        issues = parse_page(client, page.items)
    with session_scope() as session:
        row = session.get(RefreshPage, page_id, with_for_update=True)
        if row is None or row.status != "pending":
            return  # another delivery of this job stored it first
        row.issue_ids = store.upsert_issues(session, issues, job_id)
        row.next_cursor = page.next_query or None
        row.status = "stored"
        row.issue_count = len(issues)


def parse_page(client: GitLabClient, items: list[dict[str, Any]]) -> list[FetchedIssue]:
    """Parse issues with their projects; issues of a project that vanished
    meanwhile are left out."""
    projects: dict[int, FetchedRepository | None] = {}
    issues = []
    for item in items:
        project_id = item["project_id"]
        if project_id not in projects:
            projects[project_id] = fetch_project(client, project_id)
        repository = projects[project_id]
        if repository is None:
            continue
        issue = parse_issue(client.instance.name, item, repository)
        if issue is not None:
            issues.append(issue)
    return issues


def fetch_project(client: GitLabClient, project_id: int) -> FetchedRepository | None:
    try:
        project = client.project(project_id)
        languages = client.project_languages(project_id)
    except GitLabNotFound:
        return None
    return parse_project(client.instance.name, project, main_language(languages))


def fetch_page(page_id: int) -> refresh.PageOutcome:
    return refresh.fetch_page(page_id, None, store_page=store_gitlab_page)


def finish_gitlab_refresh(job_id: str) -> None:
    """Reconcile and close a job once all of its pages are settled."""
    with session_scope() as session:
        if not refresh_jobs.claim_for_reconciliation(session, job_id):
            return
        failed = refresh_jobs.has_failed_pages(session, job_id)
    if failed:
        refresh_jobs.finish_partially(job_id, SOURCE)
        return
    try:
        removed = reconcile_unseen(job_id)
    except Exception:
        # Hand the job back, so the retried message can claim it again.
        with session_scope() as session:
            refresh_jobs.set_status(session, job_id, "running")
        raise
    with session_scope() as session:
        session.execute(
            update(RefreshJob)
            .where(RefreshJob.id == job_id)
            .values(issues_removed=removed, issues_indexed=search_index.index_document_count())
        )
        refresh_jobs.set_status(session, job_id, "completed")
        job = session.get(RefreshJob, job_id)
        assert job is not None
        # A GitLab refresh always fetches everything, so it counts as a sweep.
        source_state.record_completed(session, SOURCE, job.created_at, source_state.FULL)
    logger.info("refresh %s completed; %d GitLab issues left the index", job_id, removed)


def reconcile_unseen(job_id: str) -> int:
    """Re-fetch the open GitLab issues this refresh did not see, project by
    project, and update or delete them; return how many left the index.

    A deleted project takes its issues along; an archived one keeps them
    stored but out of the index; a renamed or transferred one keeps its id,
    so its issues show the new path.
    """
    with session_scope() as session:
        rows = session.execute(
            select(Issue.id, Issue.external_id, Issue.number, Repository.external_id)
            .join(Repository, Issue.repository_id == Repository.id)
            .where(
                Issue.source == SOURCE,
                Issue.state == "open",
                (Issue.last_seen_job != job_id) | Issue.last_seen_job.is_(None),
            )
        ).all()
    by_project: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for issue_id, issue_external_id, number, project_external_id in rows:
        by_project[project_external_id].append((issue_id, issue_external_id, number))
    configured = {instance.name for instance in get_settings().gitlab_instances}
    removed = 0
    for project_external_id, issues in sorted(by_project.items()):
        instance_name, _, project_id = project_external_id.rpartition(":")
        if instance_name not in configured:
            logger.warning("GitLab instance %s is no longer configured", instance_name)
            continue
        with GitLabClient(instance_named(instance_name)) as client:
            removed += _reconcile_project(client, int(project_id), issues)
    return removed


def _reconcile_project(
    client: GitLabClient, project_id: int, issues: list[tuple[int, str, int]]
) -> int:
    repository = fetch_project(client, project_id)
    fetched: dict[str, FetchedIssue] = {}
    if repository is not None:
        for start in range(0, len(issues), RECONCILE_BATCH):
            batch = issues[start : start + RECONCILE_BATCH]
            params = [("iids[]", str(number)) for _, _, number in batch]
            params += [("state", "all"), ("per_page", str(RECONCILE_BATCH))]
            for page in client.iter_pages(f"/projects/{project_id}/issues", params):
                for item in page.items:
                    issue = parse_issue(client.instance.name, item, repository)
                    if issue is not None:
                        fetched[issue.external_id] = issue
    gone = [(issue_id, ext) for issue_id, ext, _ in issues if ext not in fetched]
    with session_scope() as session:
        updated_ids = store.upsert_issues(session, list(fetched.values()))
        store.delete_issues(session, [issue_id for issue_id, _ in gone])
    _, deleted_updated = refresh.index_issues(updated_ids)
    with shared_write():
        search_index.write_documents([], [document_id(SOURCE, ext) for _, ext in gone])
    if gone:
        logger.info(
            "GitLab %s project %d: %d unseen issues are gone",
            client.instance.name,
            project_id,
            len(gone),
        )
    return deleted_updated + len(gone)
