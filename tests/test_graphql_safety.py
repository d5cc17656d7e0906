"""GraphQL limits, error codes, introspection and the exported schema file."""

import pytest
from fastapi.testclient import TestClient

from core.settings import get_settings
from graphql_api.schema import SCHEMA_PATH, schema_sdl
from search_api.app import create_app
from tests.graphql_helpers import error_codes, graphql
from tracking import search_state

INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


def test_exported_schema_matches_code():
    exported = SCHEMA_PATH.read_text(encoding="utf-8")
    assert exported == schema_sdl(), (
        "graphql_api/schema.graphql differs from the schema in code; run "
        "`odyssey graphql-schema` and review the diff"
    )


def test_syntax_error_is_invalid_query(client):
    body = graphql(client, "{ search( }")
    assert error_codes(body) == ["INVALID_QUERY"]


def test_bad_variable_value_is_invalid_query(client):
    response = client.post(
        "/graphql",
        json={"query": "query P($id: Int!) { project(id: $id) { id } }", "variables": {"id": "abc"}},
    )
    assert error_codes(response.json()) == ["INVALID_QUERY"]


def test_unknown_field_is_invalid_query(client):
    body = graphql(client, "{ search { nope } }")
    assert error_codes(body) == ["INVALID_QUERY"]


def test_depth_limit_rejects_deep_query(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "graphql_max_depth", 2)
    deep_client = TestClient(create_app())
    body = graphql(deep_client, "{ search { hits { repository { fullName } } } }")
    assert error_codes(body) == ["INVALID_QUERY"]
    assert "depth" in body["errors"][0]["message"]
    shallow = graphql(deep_client, "{ viewer { id } }")
    assert "errors" not in shallow


def test_cost_limit_rejects_many_large_pages(client):
    hits = "hits { id title repository { fullName } labels { name } }"
    aliases = " ".join(f"s{n}: search(first: 100) {{ {hits} }}" for n in range(60))
    body = graphql(client, f"query Big {{ {aliases} }}")
    assert error_codes(body) == ["INVALID_QUERY"]
    assert "estimated cost" in body["errors"][0]["message"]


def test_cost_limit_counts_variable_page_as_maximum(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "graphql_max_cost", 300)
    small_client = TestClient(create_app())
    query = "query($n: Int!) { search(first: $n) { hits { id title url } } }"
    body = graphql(small_client, query, {"n": 1})
    assert error_codes(body) == ["INVALID_QUERY"]
    literal = graphql(small_client, "{ search(first: 5) { hits { id title url } } }")
    assert error_codes(literal) != ["INVALID_QUERY"]


def test_unexpected_error_is_masked(client, monkeypatch):
    def broken_search(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(search_state, "search_issues", broken_search)
    body = graphql(client, "{ search { totalCount } }")
    assert error_codes(body) == ["INTERNAL"]
    error = body["errors"][0]
    assert "secret" not in error["message"]
    assert set(error["extensions"]) == {"code"}
    assert "stacktrace" not in str(body).lower()


def test_missing_index_is_service_unavailable(client):
    body = graphql(client, "{ search { totalCount } }")
    assert error_codes(body) == ["SERVICE_UNAVAILABLE"]


def test_introspection_allowed_by_default(client):
    body = graphql(client, INTROSPECTION)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_introspection_disabled_by_setting(monkeypatch):
    monkeypatch.setattr(get_settings(), "graphql_introspection", False)
    body = graphql(TestClient(create_app()), INTROSPECTION)
    codes = error_codes(body)
    assert codes
    assert set(codes) == {"INVALID_QUERY"}


def test_graphiql_served_when_enabled(client):
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_graphiql_hidden_when_disabled(monkeypatch):
    monkeypatch.setattr(get_settings(), "graphql_ide", False)
    response = TestClient(create_app()).get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 404
