"""GraphQL mutations of accounts, projects and bookmarks."""

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from tests.graphql_helpers import error_codes, graphql
from tests.tracking_support import index_catalog, make_caller, pull_url

PASSWORD = "correct horse battery staple"
TOKENS = "accessToken refreshToken expiresIn tokenType"
REGISTER_ID = """mutation($input: RegisterInput!) {
    register(input: $input) { profile { id } } }"""


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


def register(client: TestClient) -> dict:
    query = f"""mutation($input: RegisterInput!) {{ register(input: $input) {{
        profile {{ id email displayName hasPassword }} tokens {{ {TOKENS} }} }} }}"""
    variables = {
        "input": {
            "email": " Ada@Example.org ",
            "password": PASSWORD,
            "displayName": "Ada",
        }
    }
    body = graphql(client, query, variables)
    assert "errors" not in body, body.get("errors")
    return body["data"]["register"]


def test_register_login_refresh_logout(client):
    registered = register(client)
    assert registered["profile"]["email"] == "ada@example.org"
    assert registered["profile"]["hasPassword"] is True
    access = registered["tokens"]["accessToken"]
    viewer = graphql(client, "{ viewer { email } }", token=access)
    assert viewer["data"]["viewer"] == {"email": "ada@example.org"}

    login = graphql(
        client,
        f"""mutation {{ login(email: "ada@example.org", password: "{PASSWORD}") {{
            {TOKENS} }} }}""",
    )
    pair = login["data"]["login"]
    assert pair["tokenType"] == "bearer"

    refresh = (
        "mutation($t: String!) { refreshTokens(refreshToken: $t) { refreshToken } }"
    )
    rotated = graphql(client, refresh, {"t": pair["refreshToken"]})
    new_refresh = rotated["data"]["refreshTokens"]["refreshToken"]
    assert new_refresh != pair["refreshToken"]

    logout = "mutation($t: String!) { logout(refreshToken: $t) }"
    assert graphql(client, logout, {"t": new_refresh})["data"]["logout"] is True
    again = graphql(client, refresh, {"t": new_refresh})
    assert error_codes(again) == ["UNAUTHORIZED"]


def test_login_with_wrong_password_is_unauthorized(client):
    register(client)
    body = graphql(
        client,
        """mutation { login(email: "ada@example.org", password: "nope-nope-nope") {
            accessToken } }""",
    )
    assert error_codes(body) == ["UNAUTHORIZED"]
    assert body["errors"][0]["message"] == "invalid email or password"


def test_register_twice_is_conflict(client):
    register(client)
    query = REGISTER_ID
    variables = {
        "input": {"email": "ada@example.org", "password": PASSWORD, "displayName": "A"}
    }
    assert error_codes(graphql(client, query, variables)) == ["CONFLICT"]


def test_register_rejects_overlong_email_as_invalid_parameter(client):
    query = REGISTER_ID
    variables = {
        "input": {
            "email": "a" * 400 + "@x.org",
            "password": PASSWORD,
            "displayName": "A",
        }
    }
    body = graphql(client, query, variables)
    assert error_codes(body) == ["INVALID_PARAMETER"]
    assert body["errors"][0]["message"].startswith("invalid email")


def test_update_profile_keeps_omitted_fields(client):
    token = register(client)["tokens"]["accessToken"]
    update = """mutation($input: ProfileUpdateInput!) { updateProfile(input: $input) {
        displayName preferredLanguages preferredDifficulty } }"""
    first = graphql(
        client,
        update,
        {
            "input": {
                "preferredLanguages": ["python"],
                "preferredDifficulty": "beginner",
            }
        },
        token=token,
    )
    assert first["data"]["updateProfile"] == {
        "displayName": "Ada",
        "preferredLanguages": ["Python"],
        "preferredDifficulty": "beginner",
    }
    second = graphql(
        client, update, {"input": {"preferredDifficulty": None}}, token=token
    )
    assert second["data"]["updateProfile"]["preferredLanguages"] == ["Python"]
    assert second["data"]["updateProfile"]["preferredDifficulty"] is None


def test_profile_requires_sign_in(client):
    assert error_codes(graphql(client, "{ profile { id } }")) == ["UNAUTHORIZED"]
    assert error_codes(graphql(client, "{ dashboard { currentStreakDays } }")) == [
        "UNAUTHORIZED"
    ]


def test_bookmark_lifecycle(client):
    ids = index_catalog()
    owner = make_caller("ada@example.com")
    token = owner.headers["Authorization"].removeprefix("Bearer ")
    created_project = graphql(
        client,
        """mutation { createProject(input: {name: "Widgets"}) {
            id myRole memberCount } }""",
        token=token,
    )["data"]["createProject"]
    assert created_project["myRole"] == "owner"

    create = """mutation($input: BookmarkCreateInput!) { createBookmark(input: $input) {
        id status projectId issue { number } } }"""
    bookmark = graphql(
        client,
        create,
        {"input": {"issueId": ids[1], "projectId": created_project["id"]}},
        token=token,
    )["data"]["createBookmark"]
    assert bookmark["status"] == "to_do"
    assert bookmark["projectId"] == created_project["id"]

    update = """mutation($id: Int!, $input: BookmarkUpdateInput!) {
        updateBookmark(id: $id, input: $input) { status prUrl projectId } }"""
    started = graphql(
        client,
        update,
        {"id": bookmark["id"], "input": {"status": "in_progress"}},
        token=token,
    )
    assert started["data"]["updateBookmark"]["projectId"] == created_project["id"]
    done = graphql(
        client,
        update,
        {
            "id": bookmark["id"],
            "input": {"status": "completed", "prUrl": pull_url(7), "projectId": None},
        },
        token=token,
    )["data"]["updateBookmark"]
    assert done == {"status": "completed", "prUrl": pull_url(7), "projectId": None}

    issue = graphql(
        client,
        "query($id: ID!) { issue(id: $id) { bookmarked myStatus bookmarkId } }",
        {"id": ids[1]},
        token=token,
    )
    assert issue["data"]["issue"] == {
        "bookmarked": True,
        "myStatus": "completed",
        "bookmarkId": bookmark["id"],
    }
    dashboard = graphql(
        client, "{ dashboard { counts { status count } } }", token=token
    )
    counts = {c["status"]: c["count"] for c in dashboard["data"]["dashboard"]["counts"]}
    assert counts == {"to_do": 0, "in_progress": 0, "completed": 1, "dropped": 0}

    delete = "mutation($id: Int!) { deleteBookmark(id: $id) }"
    assert graphql(client, delete, {"id": bookmark["id"]}, token=token)["data"] == {
        "deleteBookmark": True
    }
    deleted = graphql(
        client,
        "query($id: Int!) { bookmark(id: $id) { id } }",
        {"id": bookmark["id"]},
        token=token,
    )
    assert error_codes(deleted) == ["NOT_FOUND"]


def test_project_membership(client):
    owner = make_caller("ada@example.com")
    member = make_caller("bob@example.com")
    owner_token = owner.headers["Authorization"].removeprefix("Bearer ")
    member_token = member.headers["Authorization"].removeprefix("Bearer ")
    project_id = graphql(
        client,
        'mutation { createProject(input: {name: "Docs"}) { id } }',
        token=owner_token,
    )["data"]["createProject"]["id"]
    join = "mutation($id: Int!) { joinProject(id: $id) { memberCount myRole } }"
    joined = graphql(client, join, {"id": project_id}, token=member_token)
    assert joined["data"]["joinProject"] == {"memberCount": 2, "myRole": "member"}
    rename = """mutation($id: Int!) {
        updateProject(id: $id, input: {name: "Other"}) { name } }"""
    assert error_codes(
        graphql(client, rename, {"id": project_id}, token=member_token)
    ) == ["FORBIDDEN"]
    leave = "mutation($id: Int!) { leaveProject(id: $id) }"
    assert graphql(client, leave, {"id": project_id}, token=member_token)["data"] == {
        "leaveProject": True
    }
    listed = graphql(client, "{ projects { total items { name myRole } } }")
    assert listed["data"]["projects"] == {
        "total": 1,
        "items": [{"name": "Docs", "myRole": None}],
    }


def test_list_limit_above_rest_bound_is_invalid(client):
    body = graphql(client, "{ projects(limit: 101) { total } }")
    assert error_codes(body) == ["INVALID_PARAMETER"]


def test_profile_export_matches_rest(client):
    token = register(client)["tokens"]["accessToken"]
    rest = client.get("/v1/profile/export", headers={"Authorization": f"Bearer {token}"})
    assert rest.status_code == 200
    body = graphql(client, "{ profileExport }", token=token)
    assert body["data"]["profileExport"] == rest.json()
