"""Per-request GraphQL context: the database session, the caller and the loaders.

Resolvers are async, but the services they call are synchronous (SQLAlchemy and
the Elasticsearch client), so `run_db` and `run_blocking` move each call to a
worker thread. Calls that use the request's session are serialised by a lock,
because a SQLAlchemy session must not be used by two threads at once.
"""

import asyncio
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header
from sqlmodel import Session
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from accounts.dependencies import get_optional_user, require_admin
from accounts.models import User
from core.database import get_session
from core.errors import Unauthorized
from graphql_api.loaders import Loaders

T = TypeVar("T")


class GraphQLContext(BaseContext):
    def __init__(self, session: Session, authorization: str | None) -> None:
        super().__init__()
        self.session = session
        self.authorization = authorization
        self.loaders = Loaders(self)
        self._session_lock = asyncio.Lock()
        self._user_lookup: asyncio.Task[User | None] | None = None

    async def run_db(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function(session, *args)` in a worker thread, one call at a time."""
        async with self._session_lock:
            return await asyncio.to_thread(function, self.session, *args)

    async def run_blocking(self, function: Callable[..., T], *args: Any) -> T:
        """Run a blocking call that does not use the request's session."""
        return await asyncio.to_thread(function, *args)

    async def optional_user(self) -> User | None:
        """Return the caller's account, or None for anonymous callers.

        The token is checked once per request; an invalid or expired token
        raises Unauthorized in every field that needs the caller.
        """
        if self._user_lookup is None:
            self._user_lookup = asyncio.ensure_future(
                self.run_db(_optional_user, self.authorization)
            )
        return await asyncio.shield(self._user_lookup)

    async def current_user(self) -> User:
        """Return the caller's account; anonymous callers get UNAUTHORIZED."""
        user = await self.optional_user()
        if user is None:
            raise Unauthorized(
                "sign in first: send `Authorization: Bearer <access token>`"
            )
        return user

    async def current_user_id(self) -> int:
        """Return the caller's user id; anonymous callers get UNAUTHORIZED.

        The id is read under the session lock, because a commit by an earlier
        mutation expires the row and reading it again runs a query.
        """
        user = await self.current_user()
        user_id = await self.run_db(lambda _session: user.id)
        assert user_id is not None
        return user_id

    async def require_admin(self) -> None:
        """Allow an admin user or the ODYSSEY_ADMIN_TOKEN service token."""
        await self.run_db(_require_admin, self.authorization)


def _optional_user(session: Session, authorization: str | None) -> User | None:
    return get_optional_user(authorization=authorization, session=session)


def _require_admin(session: Session, authorization: str | None) -> None:
    require_admin(authorization=authorization, session=session)


def get_context(
    session: Annotated[Session, Depends(get_session)],
    authorization: Annotated[str | None, Header()] = None,
) -> GraphQLContext:
    """Build the context of one GraphQL request (a FastAPI dependency)."""
    return GraphQLContext(session, authorization)


Context = Info[GraphQLContext, None]
