"""Property-based fuzzing of every REST operation in the OpenAPI document and of
the GraphQL schema with schemathesis: no 5xx, no stack trace, and every 4xx in
the one error format.

Each operation gets a fixed number of examples from a derandomized Hypothesis
run, so a run generates the same requests every time.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from core.settings import get_settings
from indexer.search_index import ensure_index
from search_api.app import create_app
from graphql_api.schema import build_schema
from tests.factories import make_issue, store_and_index
from tests.graphql_helpers import make_user_token
from tests.webhook_helpers import GITLAB_TOKEN, SECRET

# Examples per REST operation or GraphQL field, shared between valid and
# invalid data and between anonymous and signed-in callers. With 54
# operations and 27 fields the module took 80 s on a busy 2-core machine.
EXAMPLES = 10

# Words that appear in a Python, PostgreSQL or Elasticsearch error leaked to the
# client, so none may appear in a response body.
LEAK_MARKERS = (
    "Traceback (most recent call last)",
    'File "/',
    "psycopg",
    "sqlalchemy",
    "elastic_transport",
    "search_phase_execution_exception",
)

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def fuzz_app(monkeypatch) -> Iterator:
    """Build the app with every optional feature configured, so no operation
    returns 503 for a missing setting. Outgoing GitHub URLs point at the
    discard port of the loopback address, so no request leaves the machine."""
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("GITLAB_WEBHOOK_TOKEN", GITLAB_TOKEN)
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "fuzz-client-id")
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", "fuzz-client-secret")
    monkeypatch.setenv("ODYSSEY_TOKEN_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    for name in ("GITHUB_OAUTH_AUTHORIZE_URL", "GITHUB_OAUTH_TOKEN_URL", "GITHUB_OAUTH_API_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/oauth")
    get_settings.cache_clear()
    ensure_index()
    store_and_index([make_issue(number) for number in range(1, 4)])
    yield create_app()
    get_settings.cache_clear()


@pytest.fixture
def user_token(fuzz_app) -> str:
    _user_id, token = make_user_token(email="fuzz@example.com")
    return token


@pytest.fixture
def rest_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


@pytest.fixture
def graphql_schema(fuzz_app):
    return schemathesis.graphql.from_asgi("/graphql", fuzz_app)


def check_response(response) -> None:
    body = response.text
    assert response.status_code < 500, f"{response.status_code}: {body[:500]}"
    for marker in LEAK_MARKERS:
        assert marker not in body, f"the response leaks {marker!r}: {body[:500]}"
    if 400 <= response.status_code < 500:
        error = response.json()["error"]
        assert isinstance(error["code"], str), body[:500]
        assert isinstance(error["message"], str), body[:500]
        assert isinstance(error["details"], dict), body[:500]


def check_graphql_response(response) -> None:
    check_response(response)
    if response.status_code == 200:
        for error in response.json().get("errors") or []:
            code = error.get("extensions", {}).get("code")
            assert isinstance(code, str), f"an error without a code: {error}"
            assert code != "INTERNAL", f"an unexpected server error: {error}"


def rest_operations() -> list:
    """List (method, path) of every operation, read from the app once at collection."""
    paths = create_app().openapi()["paths"]
    return [
        pytest.param(method.upper(), path, id=f"{method.upper()} {path}")
        for path, operations in paths.items()
        for method in operations
    ]


def graphql_fields() -> list[str]:
    """List the labels schemathesis gives the root fields, such as `Query.search`."""
    schema = build_schema()._schema
    return [
        f"{root.name}.{field}"
        for root in (schema.query_type, schema.mutation_type)
        if root is not None
        for field in root.fields
    ]


def run_examples(strategy, check) -> None:
    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case) -> None:
        check(case.call())

    run()


@pytest.mark.parametrize(("method", "path"), rest_operations())
def test_rest_operation(rest_schema, user_token, method, path):
    """Send valid and invalid examples, anonymous and signed in."""
    operation = rest_schema[path][method]
    signed_in = {"authorization": f"Bearer {user_token}"}
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        operation.as_strategy(GenerationMode.POSITIVE, headers=signed_in),
        operation.as_strategy(GenerationMode.NEGATIVE, headers=signed_in),
    )
    run_examples(strategy, check_response)


@pytest.mark.parametrize("label", graphql_fields())
def test_graphql_field(graphql_schema, user_token, label):
    operation = graphql_schema.find_operation_by_label(label)
    assert operation is not None, f"schemathesis found no operation {label}"
    signed_in = {"Authorization": f"Bearer {user_token}"}
    strategy = st.one_of(
        operation.as_strategy(),
        operation.as_strategy(headers=signed_in),
    )
    run_examples(strategy, check_graphql_response)
