"""Load GitHub's published GraphQL schema and validate requests against it.

The schema is the `schema.graphql` file of the npm package
`@octokit/graphql-schema`. Validation uses graphql-core's standard rules, and
errors are reshaped into what api.github.com (graphql-ruby) returns for the
common cases: an unknown field, an unknown argument and an unused variable.
"""

import logging
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    build_ast_schema,
    get_named_type,
    parse,
    validate,
    validate_schema,
    visit,
)
from graphql.validation.validate import validate_sdl

from core.settings import get_settings

logger = logging.getLogger(__name__)

# GitHub accepts at most this many nodes per `first` or `last` argument.
MAX_PAGE_SIZE = 100
NPM_INSTALL_HINT = "npm install --prefix <stack_dir>/npm @octokit/graphql-schema"

# Known defects of the published schema that graphql-core rejects but that do
# not touch any type the fake serves. Checked against @octokit/graphql-schema
# 15.26.0 and 15.26.1:
# - EnterpriseOwnerInfo defines repositoryDeployKeySetting and
#   repositoryDeployKeySettingOrganizations twice, so the SDL is invalid.
# - Deprecated implementations of non-deprecated interface fields (Project.id
#   and others) break a rule that graphql-core 3.3 added and 3.2 lacks.
TOLERATED_SDL_ERROR = re.compile(r"^Field '\w+\.\w+' can only be defined once\.$")
TOLERATED_SCHEMA_ERROR = re.compile(
    r"^Interface field \w+\.\w+ is not deprecated, so implementation field "
    r"\w+\.\w+ must not be deprecated\.$"
)

_schemas: dict[Path, GraphQLSchema] = {}
_schemas_lock = threading.Lock()


class SchemaLoadError(RuntimeError):
    """The schema file is missing or has defects beyond the tolerated ones."""


def default_schema_path() -> Path:
    return get_settings().github_schema_path


def load_github_schema(path: Path | None = None) -> GraphQLSchema:
    """Build the schema once per process and path, and reuse it on later calls.

    Building takes about a second because the file is over 1 MB of SDL.
    """
    resolved = (path or default_schema_path()).resolve()
    with _schemas_lock:
        schema = _schemas.get(resolved)
        if schema is None:
            schema = build_github_schema(resolved)
            _schemas[resolved] = schema
        return schema


def build_github_schema(path: Path) -> GraphQLSchema:
    """Parse and check the SDL file, failing on any defect not known to be harmless."""
    if not path.is_file():
        raise SchemaLoadError(
            f"GitHub GraphQL schema not found at {path}. Install it with "
            f"`{NPM_INSTALL_HINT}` or set ODYSSEY_GITHUB_SCHEMA to the file."
        )
    document = parse(path.read_text(encoding="utf-8"))

    sdl_errors = [error.message for error in validate_sdl(document)]
    unexpected = [
        message for message in sdl_errors if not TOLERATED_SDL_ERROR.match(message)
    ]
    if unexpected:
        raise SchemaLoadError(f"invalid schema SDL in {path}: " + "; ".join(unexpected))
    schema = build_ast_schema(document, assume_valid_sdl=True)

    schema_errors = [error.message for error in validate_schema(schema)]
    unexpected = [
        message
        for message in schema_errors
        if not TOLERATED_SCHEMA_ERROR.match(message)
    ]
    if unexpected:
        raise SchemaLoadError(f"invalid schema in {path}: " + "; ".join(unexpected))
    if sdl_errors or schema_errors:
        logger.warning(
            "GitHub schema %s has %d known harmless defects; first: %s",
            path,
            len(sdl_errors) + len(schema_errors),
            (sdl_errors + schema_errors)[0],
        )
        # validate() refuses a schema with type-system errors, so mark this one
        # as checked after the defects above were accepted.
        kwargs = schema.to_kwargs()
        kwargs["assume_valid"] = True
        schema = GraphQLSchema(**kwargs)
    logger.info(
        "loaded GitHub GraphQL schema from %s (%d types)", path, len(schema.type_map)
    )
    return schema


# Error shapes


UNDEFINED_FIELD = re.compile(r"^Cannot query field '(\w+)' on type '(\w+)'\.")
UNKNOWN_ARGUMENT = re.compile(r"^Unknown argument '(\w+)' on field '(\w+)\.(\w+)'\.")
UNUSED_VARIABLE = re.compile(
    r"^Variable '\$(\w+)' is never used(?: in operation '(\w+)')?\."
)


def github_error(
    error: GraphQLError, document: DocumentNode | None = None
) -> dict[str, Any]:
    """Format a validation error the way graphql-ruby on api.github.com does.

    The three rewritten messages follow GitHub's wording. Every other message
    is graphql-core's, which can differ from GitHub's text.
    """
    message = error.message
    extensions: dict[str, Any] | None = None
    if match := UNDEFINED_FIELD.match(message):
        field_name, type_name = match.groups()
        message = f"Field '{field_name}' doesn't exist on type '{type_name}'"
        extensions = {
            "code": "undefinedField",
            "typeName": type_name,
            "fieldName": field_name,
        }
    elif match := UNKNOWN_ARGUMENT.match(message):
        argument, _, field_name = match.groups()
        message = f"Field '{field_name}' doesn't accept argument '{argument}'"
        extensions = {
            "code": "argumentNotAccepted",
            "name": field_name,
            "typeName": "Field",
            "argumentName": argument,
        }
    elif match := UNUSED_VARIABLE.match(message):
        variable, operation = match.groups()
        declared_by = operation or "anonymous query"
        message = f"Variable ${variable} is declared by {declared_by} but not used"
        extensions = {"code": "variableNotUsed", "variableName": variable}

    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [
            {"line": location.line, "column": location.column}
            for location in error.locations
        ]
    if document is not None and error.nodes:
        path = document_path(document, error.nodes[0])
        if path:
            formatted["path"] = path
    if extensions is not None:
        formatted["extensions"] = extensions
    return formatted


def document_path(document: DocumentNode, target: Node) -> list[str] | None:
    """Name the enclosing definitions and fields of a node, as GitHub's `path`.

    Example: `["query SearchIssues", "search", "nodes", "... on Issue", "foo"]`.
    """
    stack: list[str] = []
    found: list[str] | None = None

    class PathVisitor(Visitor):
        def enter(self, node: Node, *_: Any) -> Any:
            nonlocal found
            label = path_label(node)
            if label is not None:
                stack.append(label)
            if node is target:
                found = list(stack)
                return self.BREAK
            return None

        def leave(self, node: Node, *_: Any) -> None:
            if path_label(node) is not None:
                stack.pop()

    visit(document, PathVisitor())
    return found


def path_label(node: Node) -> str | None:
    if isinstance(node, OperationDefinitionNode):
        operation = node.operation.value
        return f"{operation} {node.name.value}" if node.name else operation
    if isinstance(node, FragmentDefinitionNode):
        return f"fragment {node.name.value}"
    if isinstance(node, FieldNode):
        return node.alias.value if node.alias else node.name.value
    if isinstance(node, InlineFragmentNode):
        return (
            f"... on {node.type_condition.name.value}" if node.type_condition else "..."
        )
    return None


def syntax_error(error: GraphQLSyntaxError) -> dict[str, Any]:
    """Format a parse error. NOTE: GitHub's wording ("Parse error on ...") differs."""
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": location.line, "column": location.column}
            for location in error.locations
        ]
    return formatted


def parse_and_validate(
    schema: GraphQLSchema, source: str
) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
    """Parse and validate a request document, returning it or GitHub-shaped errors."""
    try:
        document = parse(source)
    except GraphQLSyntaxError as error:
        return None, [syntax_error(error)]
    errors = validate(schema, document)
    if errors:
        return None, [github_error(error, document) for error in errors]
    return document, []


# Connection size checks, which GitHub runs before executing a query.


def check_pagination_arguments(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Enforce GitHub's node limits on every connection field in `document`.

    A connection that selects `nodes` or `edges` needs `first` or `last`, and
    any given `first` or `last` must be 1 to 100. Selecting only `totalCount`
    needs no bound, as on GitHub (`comments { totalCount }` is accepted).
    NOTE: the messages and `type` values follow responses seen from GitHub,
    not a documented contract, and GitHub may accept `first: 0`.
    """
    defaults = variable_defaults(document)
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    type_info = TypeInfo(schema)
    errors: list[dict[str, Any]] = []

    class ConnectionVisitor(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            field_def = type_info.get_field_def()
            if field_def is None:
                return
            named_type = get_named_type(field_def.type)
            if not named_type.name.endswith("Connection"):
                return
            bounds = {
                argument.name.value: argument_int(argument.value, variables, defaults)
                for argument in node.arguments or ()
                if argument.name.value in ("first", "last")
            }
            errors.extend(
                connection_errors(
                    node, bounds, selects_items(node.selection_set, fragments)
                )
            )

    visit(document, TypeInfoVisitor(type_info, ConnectionVisitor()))
    for error in errors:
        path = document_path(document, error.pop("node"))
        if path:
            error["path"] = path
    return errors


def connection_errors(
    node: FieldNode, bounds: Mapping[str, int | None], selects_nodes: bool
) -> list[dict[str, Any]]:
    name = node.name.value
    location = node.loc.source.get_location(node.loc.start) if node.loc else None
    base: dict[str, Any] = {"node": node}
    if location is not None:
        base["locations"] = [{"line": location.line, "column": location.column}]

    given = {key: value for key, value in bounds.items() if value is not None}
    if not given and selects_nodes:
        return [
            {
                **base,
                "type": "MISSING_PAGINATION_BOUNDARIES",
                "message": (
                    "You must provide a `first` or `last` value to properly paginate "
                    f"the `{name}` connection."
                ),
            }
        ]
    errors = []
    for argument, value in given.items():
        if value > MAX_PAGE_SIZE:
            message = (
                f"Requesting {value} records on the `{name}` connection exceeds the "
                f"`{argument}` limit of {MAX_PAGE_SIZE} records."
            )
        elif value < 1:
            message = (
                f"`{argument}` on the `{name}` connection must be between 1 and "
                f"{MAX_PAGE_SIZE}, got {value}."
            )
        else:
            continue
        errors.append({**base, "type": "EXCESSIVE_PAGINATION", "message": message})
    return errors


def argument_int(
    value: Any, variables: Mapping[str, Any], defaults: Mapping[str, Any]
) -> int | None:
    """Read an Int argument from a literal or a variable, else return None.

    Invalid variable values are left for execution, which reports them.
    """
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, VariableNode):
        name = value.name.value
        raw = variables.get(name, defaults.get(name))
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    return None


def variable_defaults(document: DocumentNode) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        for variable in definition.variable_definitions or ():
            if isinstance(variable.default_value, IntValueNode):
                defaults[variable.variable.name.value] = int(
                    variable.default_value.value
                )
    return defaults


def selects_items(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: frozenset[str] = frozenset(),
) -> bool:
    """Tell whether a connection's selection set selects `nodes` or `edges`."""
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value in (
            "nodes",
            "edges",
        ):
            return True
        if isinstance(selection, InlineFragmentNode):
            if selects_items(selection.selection_set, fragments, seen):
                return True
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                if selects_items(fragment.selection_set, fragments, seen | {name}):
                    return True
    return False
