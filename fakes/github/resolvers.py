"""Execute validated documents against the GitHub schema with store data.

Root fields with resolvers: search, rateLimit, node, nodes and repository.
Every other field is read from the node dicts built in records.py. A field
whose value is callable takes the field arguments. A connection field whose
value is a ListConnection is paged with `first`, `after`, `last` and `before`.
"""

import logging
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    execute,
)

from fakes.github.rate_limit import RateLimitSnapshot
from fakes.github.records import (
    ConnectionArgumentError,
    IssueStore,
    ListConnection,
    issue_node,
    node_for_id,
    paginate,
    repository_node,
)
from fakes.github.schema import document_path, selects_items
from fakes.github.search_query import SearchQueryError

logger = logging.getLogger(__name__)

# Search counters other than issueCount stay zero because the fake serves
# issue search only.
EMPTY_SEARCH_COUNTS = {
    "codeCount": 0,
    "discussionCount": 0,
    "repositoryCount": 0,
    "userCount": 0,
    "wikiCount": 0,
}


def not_found(message: str) -> GraphQLError:
    """Build a NOT_FOUND error whose `type` format_execution_error lifts to the top."""
    return GraphQLError(message, extensions={"type": "NOT_FOUND"})


def resolve_field(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    """Read a field from a node dict, calling or paging the value if needed."""
    if isinstance(source, Mapping):
        value = source.get(info.field_name)
    else:
        value = getattr(source, info.field_name, None)
    try:
        if callable(value):
            return value(info, **arguments)
        if isinstance(value, ListConnection):
            return value.resolve(arguments)
    except LookupError as error:
        raise not_found(str(error).strip("'\"")) from error
    except ConnectionArgumentError as error:
        raise GraphQLError(str(error)) from error
    return value


class RootResolvers:
    """Query fields backed by one store, used as the execution root value."""

    def __init__(self, store: IssueStore, rate_limit: RateLimitSnapshot):
        self.store = store
        self.rate_limit_snapshot = rate_limit

    def rateLimit(
        self, _info: GraphQLResolveInfo, dryRun: bool = False
    ) -> dict[str, Any]:
        snapshot = self.rate_limit_snapshot
        return {
            "limit": snapshot.limit,
            "remaining": snapshot.remaining,
            "used": snapshot.used,
            "cost": snapshot.cost,
            "resetAt": snapshot.reset_at_iso,
            "nodeCount": 0,
        }

    def search(self, info: GraphQLResolveInfo, **arguments: Any) -> dict[str, Any]:
        if arguments.get("type") != "ISSUE":
            return {"issueCount": 0, **EMPTY_SEARCH_COUNTS, **paginate([])}
        try:
            result = self.store.search(arguments["query"])
            connection = paginate(
                result.reachable,
                first=arguments.get("first"),
                after=arguments.get("after"),
                last=arguments.get("last"),
                before=arguments.get("before"),
                total_count=result.total_count,
            )
        except (SearchQueryError, ConnectionArgumentError) as error:
            # NOTE: GitHub may treat an invalid qualifier value as text instead.
            # An error here makes a bad query from the indexer visible.
            raise GraphQLError(str(error)) from error

        # Node dicts are built only when requested, because a count query
        # without `first` would otherwise build all 1,000 reachable nodes.
        selection_sets = [field.selection_set for field in info.field_nodes]
        nodes: list[dict[str, Any] | None]
        if any(
            selects_items(selection, info.fragments) for selection in selection_sets
        ):
            nodes = [issue_node(self.store, record) for record in connection["nodes"]]
        else:
            nodes = [None] * len(connection["nodes"])
        connection["nodes"] = nodes
        for edge, node in zip(connection["edges"], nodes, strict=True):
            edge["node"] = node
        connection["issueCount"] = result.total_count
        connection.update(EMPTY_SEARCH_COUNTS)
        return connection

    def node(self, _info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
        node = node_for_id(self.store, id)
        if node is None:
            raise not_found(f"Could not resolve to a node with the global id of '{id}'")
        return node

    def nodes(self, _info: GraphQLResolveInfo, ids: list[str]) -> list[Any]:
        # graphql-core turns an exception in a list into a null entry plus an
        # error at that index, which is how GitHub reports a missing id.
        results: list[Any] = []
        for node_id in ids:
            node: dict[str, Any] | GraphQLError | None = node_for_id(
                self.store, node_id
            )
            if node is None:
                node = not_found(
                    f"Could not resolve to a node with the global id of '{node_id}'"
                )
            results.append(node)
        return results

    def repository(
        self, _info: GraphQLResolveInfo, owner: str, name: str, **_: Any
    ) -> dict[str, Any]:
        info = self.store.repo_info(f"{owner}/{name}")
        if info is None:
            raise not_found(
                f"Could not resolve to a Repository with the name '{owner}/{name}'."
            )
        return repository_node(self.store, info)


def execute_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    store: IssueStore,
    rate_limit: RateLimitSnapshot,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
) -> dict[str, Any]:
    """Execute a validated document and return the JSON response body."""
    root = RootResolvers(store, rate_limit)
    result = execute(
        schema,
        document,
        root_value=root,
        variable_values=dict(variables or {}),
        operation_name=operation_name,
        field_resolver=resolve_field,
    )
    if not isinstance(result, ExecutionResult):
        raise TypeError("the fake GitHub resolvers must run synchronously")
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [
            format_execution_error(error, document) for error in result.errors
        ]
    body["data"] = result.data
    return body


def format_execution_error(
    error: GraphQLError, document: DocumentNode
) -> dict[str, Any]:
    """Format an execution error, moving a `type` extension to the top level."""
    formatted: dict[str, Any] = {"message": error.message}
    extensions = dict(error.extensions or {})
    error_type = extensions.pop("type", None)
    if error_type is not None:
        formatted["type"] = error_type
    if error.path is not None:
        formatted["path"] = list(error.path)
    elif error.nodes:
        path = document_path(document, error.nodes[0])
        if path:
            formatted["path"] = path
    if error.locations:
        formatted["locations"] = [
            {"line": location.line, "column": location.column}
            for location in error.locations
        ]
    if extensions:
        formatted["extensions"] = extensions
    if error.original_error is not None and not isinstance(
        error.original_error, GraphQLError
    ):
        logger.warning("resolver error at %s: %r", error.path, error.original_error)
    return formatted
