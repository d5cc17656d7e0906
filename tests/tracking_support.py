"""Users, tokens and indexed issues shared by the tracking tests."""

from dataclasses import dataclass

from fastapi.testclient import TestClient

from accounts.models import User
from accounts.tokens import create_access_token
from core.database import session_scope
from tests.factories import make_issue, make_repository, store_and_index


@dataclass(frozen=True)
class Caller:
    user_id: int
    headers: dict[str, str]


def make_caller(email: str, languages: tuple[str, ...] = ()) -> Caller:
    """Store a user and return their id with an Authorization header."""
    with session_scope() as session:
        user = User(
            email=email,
            display_name=email.split("@")[0],
            role="user",
            preferred_languages=list(languages),
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        user_id = user.id
    token, _ = create_access_token(user_id, "user")
    return Caller(user_id=user_id, headers={"Authorization": f"Bearer {token}"})


def index_catalog() -> dict[int, str]:
    """Index five open issues in two repositories; return API ids by number."""
    python_repo = make_repository("acme/widgets", "Python")
    rust_repo = make_repository("ferris/crab", "Rust")
    issues = [
        make_issue(1, "Fix typo in README", ("good first issue", "docs"), python_repo),
        make_issue(2, "Add parser tests", ("good first issue", "tests"), python_repo),
        make_issue(3, "Crash on empty input", ("good first issue",), rust_repo),
        make_issue(4, "Document the CLI flags", ("good first issue",), rust_repo),
        make_issue(5, "Improve error text", ("good first issue",), python_repo),
    ]
    store_and_index(issues)
    return {issue.number: f"{issue.source}:{issue.external_id}" for issue in issues}


def track(client: TestClient, caller: Caller, issue_id: str, **fields) -> dict:
    response = client.post(
        "/v1/bookmarks", json={"issue_id": issue_id, **fields}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def pull_url(number: int, repo: str = "acme/widgets") -> str:
    return f"https://github.com/{repo}/pull/{number}"
