"""The GraphQL schema: queries, mutations and the safety extensions."""

import inspect
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext

from core.settings import get_settings
from graphql_api.errors import ErrorCodes, log_errors
from graphql_api.limits import cost_limit_rule
from graphql_api.resolvers import accounts as account_resolvers
from graphql_api.resolvers import alerts as alert_resolvers
from graphql_api.resolvers import refresh as refresh_resolvers
from graphql_api.resolvers import search as search_resolvers
from graphql_api.resolvers import tracking as tracking_resolvers

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")
# Maximum lexical tokens of one document, checked before validation. A search
# selecting hits, repositories, labels and facets is about 100 tokens.
MAX_TOKENS = 5_000


def query(resolver: Callable[..., Any]) -> Any:
    """Declare a query field described by its resolver's docstring."""
    return strawberry.field(resolver=resolver, description=inspect.getdoc(resolver))


def mutation(resolver: Callable[..., Any]) -> Any:
    """Declare a mutation described by its resolver's docstring."""
    return strawberry.mutation(resolver=resolver, description=inspect.getdoc(resolver))


@strawberry.type
class Query:
    search = query(search_resolvers.search)
    issue = query(search_resolvers.issue)
    viewer = query(account_resolvers.viewer)
    profile = query(account_resolvers.profile)
    profile_export = query(account_resolvers.profile_export)
    refresh_job = query(refresh_resolvers.refresh_job)
    projects = query(tracking_resolvers.projects)
    project = query(tracking_resolvers.project)
    bookmarks = query(tracking_resolvers.bookmarks)
    bookmark = query(tracking_resolvers.bookmark)
    dashboard = query(tracking_resolvers.dashboard)
    analytics = query(tracking_resolvers.analytics)
    saved_searches = query(alert_resolvers.saved_searches)
    saved_search = query(alert_resolvers.saved_search)
    notifications = query(alert_resolvers.notifications)
    unread_notification_count = query(alert_resolvers.unread_notification_count)


@strawberry.type
class Mutation:
    refresh = mutation(refresh_resolvers.refresh)
    register = mutation(account_resolvers.register)
    login = mutation(account_resolvers.login)
    refresh_tokens = mutation(account_resolvers.refresh_tokens)
    logout = mutation(account_resolvers.logout)
    update_profile = mutation(account_resolvers.update_profile)
    delete_account = mutation(account_resolvers.delete_account)
    create_project = mutation(tracking_resolvers.create_project)
    update_project = mutation(tracking_resolvers.update_project)
    delete_project = mutation(tracking_resolvers.delete_project)
    join_project = mutation(tracking_resolvers.join_project)
    leave_project = mutation(tracking_resolvers.leave_project)
    create_bookmark = mutation(tracking_resolvers.create_bookmark)
    update_bookmark = mutation(tracking_resolvers.update_bookmark)
    delete_bookmark = mutation(tracking_resolvers.delete_bookmark)
    create_saved_search = mutation(alert_resolvers.create_saved_search)
    update_saved_search = mutation(alert_resolvers.update_saved_search)
    delete_saved_search = mutation(alert_resolvers.delete_saved_search)
    mark_notification_read = mutation(alert_resolvers.mark_notification_read)
    mark_all_notifications_read = mutation(alert_resolvers.mark_all_notifications_read)


class OdysseySchema(strawberry.Schema):
    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        log_errors(errors, execution_context)


def build_schema(introspection: bool | None = None) -> strawberry.Schema:
    """Build the schema with the limits from settings.

    `introspection` overrides `settings.graphql_introspection`.
    """
    settings = get_settings()
    if introspection is None:
        introspection = settings.graphql_introspection
    cost_rule = cost_limit_rule(
        settings.graphql_max_cost,
        default_size=search_resolvers.DEFAULT_PAGE_SIZE,
        max_size=settings.search_max_page_size,
    )
    # Factories, because Strawberry builds a fresh extension for each request.
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        ErrorCodes,
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(QueryDepthLimiter, max_depth=settings.graphql_max_depth),
        partial(AddValidationRules, [cost_rule]),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return OdysseySchema(query=Query, mutation=Mutation, extensions=extensions)


def schema_sdl() -> str:
    """Return the schema in GraphQL SDL, as stored in `schema.graphql`."""
    return build_schema().as_str() + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the SDL of the schema to `path` and return the path."""
    path.write_text(schema_sdl(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_schema()}")
