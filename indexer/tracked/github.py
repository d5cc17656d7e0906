"""Tracked GitHub repositories in a GitHub refresh: look each one up, record
renames, transfers, archiving and deletion, and add `repo:` label queries for
the active ones."""

import logging
from typing import Any

from core.database import session_scope
from indexer.github.client import GitHubClient
from indexer.github.search_plan import label_queries
from indexer.normalize import BEGINNER_SEARCH_LABELS
from indexer.tracked import service

logger = logging.getLogger(__name__)

REPOSITORY_FIELDS = """
fragment TrackedRepositoryFields on Repository {
  id
  nameWithOwner
  isArchived
}
"""

REPOSITORY_BY_NAME = (
    """
query TrackedRepository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    ...TrackedRepositoryFields
  }
}
"""
    + REPOSITORY_FIELDS
)

# The node id survives renames and transfers; the name does not.
REPOSITORY_BY_ID = (
    """
query TrackedRepositoryById($id: ID!) {
  node(id: $id) {
    __typename
    ...TrackedRepositoryFields
  }
}
"""
    + REPOSITORY_FIELDS
)


def tracked_repository_queries(client: GitHubClient) -> list[str]:
    """Label queries limited to each active tracked repository, after
    recording what GitHub says about every tracked one.

    Archived and deleted repositories get no queries: the finish step's
    re-check of unseen issues takes their issues out of the index.
    """
    with session_scope() as session:
        tracked = [
            (row.id, row.external_id, row.full_name)
            for row in service.list_tracked(session, "github")
        ]
    queries: list[str] = []
    for tracked_id, node_id, full_name in tracked:
        repository = _look_up(client, node_id, full_name)
        if repository is None:
            with session_scope() as session:
                service.record_lookup(session, tracked_id, "deleted")
            continue
        status = "archived" if repository["isArchived"] else "active"
        with session_scope() as session:
            service.record_lookup(
                session,
                tracked_id,
                status,
                full_name=repository["nameWithOwner"],
                external_id=repository["id"],
            )
        if status == "active":
            queries += label_queries(
                list(BEGINNER_SEARCH_LABELS), extra=f"repo:{repository['nameWithOwner']}"
            )
    return queries


def _look_up(client: GitHubClient, node_id: str | None, full_name: str) -> dict[str, Any] | None:
    if node_id:
        node = client.execute(REPOSITORY_BY_ID, {"id": node_id}, allow_not_found=True)["node"]
        return node if node and node.get("__typename") == "Repository" else None
    owner, name = full_name.split("/", 1)
    data = client.execute(
        REPOSITORY_BY_NAME, {"owner": owner, "name": name}, allow_not_found=True
    )
    return data.get("repository")
