"""Hand-written hostile requests: oversized and malformed bodies, huge pages,
bad cursors and injection attempts. Each gets a 4xx in the error format (or,
for free search text, an empty result) and stores nothing."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from accounts.models import User
from core.database import session_scope
from core.elastic import get_elasticsearch
from indexer.search_index import alias_name, ensure_index
from search_api.app import create_app
from tests.factories import make_issue, store_and_index
from tests.graphql_helpers import make_user_token

JSON = {"Content-Type": "application/json"}
NESTING = 50_000

BODIES = {
    "deep_object": b'{"a":' * NESTING + b"1" + b"}" * NESTING,
    "deep_array": b"[" * NESTING + b"]" * NESTING,
    "invalid_utf8": b'{"email":"\xff\xfe@example.org","password":"long enough pw","display_name":"x"}',
    "oversized": b'{"email":"a@example.org","password":"' + b"x" * 2_000_000 + b'","display_name":"x"}',
    "not_json": b"{'email': 'a@example.org'",
}

INJECTIONS = [
    "' OR 1=1; DROP TABLE issue; --",
    'title:* AND _exists_:id OR {"script": {"source": "1"}}',
    "*) OR (label:*",
    "../../etc/passwd",
    "<script>alert(1)</script>",
]


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def indexed() -> None:
    ensure_index()
    store_and_index([make_issue(number) for number in (1, 2)])


def user_count() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(User)).scalar_one()


def assert_error_format(response, status: int) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert isinstance(error["code"], str)
    assert isinstance(error["message"], str)
    assert isinstance(error["details"], dict)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_register_hostile_body(client, name):
    response = client.post("/v1/auth/register", content=BODIES[name], headers=JSON)
    assert_error_format(response, {"oversized": 413, "not_json": 422}.get(name, 400))
    assert user_count() == 0


@pytest.mark.parametrize("name", sorted(BODIES))
def test_graphql_hostile_body(client, name):
    response = client.post("/graphql", content=BODIES[name], headers=JSON)
    assert_error_format(response, 413 if name == "oversized" else 400)


def test_graphql_wrong_content_type(client):
    response = client.post("/graphql", content=b"query", headers={"Content-Type": "text/plain"})
    assert_error_format(response, 400)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/v1/search?size=100000000", 400),
        ("/v1/search?size=-1", 422),
        ("/v1/issues?size=0", 422),
        ("/v1/projects?limit=100000000", 422),
        ("/v1/projects?offset=-1", 422),
        ("/v1/bookmarks?limit=-5", 422),
        ("/v1/notifications?limit=100000000", 422),
        ("/v1/search?min_stars=2147483648", 422),
    ],
)
def test_huge_or_negative_page(client, url, status):
    _user_id, token = make_user_token()
    response = client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert_error_format(response, status)


@pytest.mark.parametrize(
    ("cursor", "status"),
    [("-1", 400), ("0", 400), ("%FF%FE", 400), ("eyJhIjoxfQ", 400), ("a" * 5000, 422)],
)
def test_search_bad_cursor(client, indexed, cursor, status):
    response = client.get(f"/v1/search?cursor={cursor}")
    assert_error_format(response, status)
    assert "cursor" in response.json()["error"]["message"]


@pytest.mark.parametrize("ident", ["2147483648", "99999999999999999999", "-1"])
def test_out_of_range_id(client, ident):
    response = client.get(f"/v1/issues/{ident}")
    assert 400 <= response.status_code < 500
    assert_error_format(response, response.status_code)


@pytest.mark.parametrize("text", INJECTIONS)
def test_search_text_injection(client, indexed, text):
    response = client.get("/v1/search", params={"q": text})
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


@pytest.mark.parametrize("facet", ["label", "language", "repo", "topic", "license"])
@pytest.mark.parametrize("text", INJECTIONS)
def test_facet_value_injection(client, indexed, facet, text):
    response = client.get("/v1/search", params={facet: text})
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0


def test_injection_leaves_index_intact(client, indexed):
    for text in INJECTIONS:
        client.get("/v1/search", params={"q": text, "label": text})
    get_elasticsearch().indices.refresh(index=alias_name())
    assert get_elasticsearch().count(index=alias_name())["count"] == 2
    assert client.get("/v1/search").json()["total"] == 2
