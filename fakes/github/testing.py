"""Helpers for tests that use the fake GitHub: fixture records and requests."""

from typing import Any

import httpx

TOKEN_HEADERS = {"Authorization": "bearer test-token"}


def make_record(
    repo: str = "acme/widgets", number: int = 1, **fields: Any
) -> dict[str, Any]:
    """Build a data-file record whose defaults keyword arguments override."""
    record: dict[str, Any] = {
        "source": "github",
        "repo": repo,
        "number": number,
        "url": f"https://github.com/{repo}/issues/{number}",
        "title": f"Issue {number} of {repo}",
        "state": "open",
        "labels": ["good first issue"],
        "language": "Python",
        "created_at": "2024-03-10",
        "body": "A small task for a first contribution.",
        "comments": 0,
    }
    record.update(fields)
    return record


def post_graphql(
    client: httpx.Client,
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    return client.post(
        url, json=payload, headers=TOKEN_HEADERS if headers is None else headers
    )
