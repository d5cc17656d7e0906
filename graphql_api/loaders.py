"""DataLoaders that fetch, in one query per page, what each search hit links to.

A page of search hits names repositories and issues by their external ids; the
loaders collect every key a page requests and load them in a single SQL query,
so the number of queries does not grow with the page size. Rows become
Strawberry types inside the worker thread, so no resolver reads a session
object outside the session lock.
"""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, tuple_
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col
from strawberry.dataloader import DataLoader

from core.errors import ServiceUnavailable
from graphql_api.types.issues import Label, Repository
from indexer.models import Issue, IssueLabel
from indexer.models import Label as LabelRow
from indexer.models import Repository as RepositoryRow
from tracking.search_state import tracked_states

if TYPE_CHECKING:
    from graphql_api.context import GraphQLContext

logger = logging.getLogger(__name__)

# (source, full name), e.g. ("github", "octo-org/octo-repo").
RepositoryKey = tuple[str, str]


@dataclass(frozen=True)
class UserIssueState:
    """Tracking state of one issue for the signed-in caller."""

    bookmarked: bool
    status: str | None
    bookmark_id: int | None


def split_issue_id(issue_id: str) -> tuple[str, str]:
    """Split an API issue id such as `github:I_kwDO...` into (source, external id)."""
    source, _, external_id = issue_id.partition(":")
    return source, external_id


def load_repositories(
    session: Session, keys: Sequence[RepositoryKey]
) -> list[Repository | None]:
    try:
        rows = session.execute(
            select(RepositoryRow).where(
                tuple_(RepositoryRow.source, RepositoryRow.full_name).in_(
                    list(set(keys))
                )
            )
        ).scalars()
    except OperationalError as error:
        logger.error("loading %d repositories failed: %s", len(keys), error)
        raise ServiceUnavailable(
            "the database is unavailable; try again shortly"
        ) from None
    by_key = {(row.source, row.full_name): Repository.from_row(row) for row in rows}
    return [by_key.get(key) for key in keys]


def load_labels(session: Session, issue_ids: Sequence[str]) -> list[list[Label]]:
    pairs = list({split_issue_id(issue_id) for issue_id in issue_ids})
    try:
        rows = session.execute(
            select(col(Issue.source), col(Issue.external_id), LabelRow)
            .join(IssueLabel, col(IssueLabel.issue_id) == col(Issue.id))
            .join(LabelRow, col(LabelRow.id) == col(IssueLabel.label_id))
            .where(tuple_(Issue.source, Issue.external_id).in_(pairs))
            .order_by(LabelRow.name)
        ).all()
    except OperationalError as error:
        logger.error("loading labels of %d issues failed: %s", len(issue_ids), error)
        raise ServiceUnavailable(
            "the database is unavailable; try again shortly"
        ) from None
    by_issue: dict[str, list[Label]] = defaultdict(list)
    for source, external_id, label in rows:
        by_issue[f"{source}:{external_id}"].append(Label.from_row(label))
    return [by_issue.get(issue_id, []) for issue_id in issue_ids]


def load_user_states(
    session: Session, user_id: int, issue_ids: Sequence[str]
) -> list[UserIssueState | None]:
    states = tracked_states(session, user_id, list(issue_ids))
    result: list[UserIssueState | None] = []
    for issue_id in issue_ids:
        state = states.get(issue_id)
        result.append(
            UserIssueState(
                bookmarked=state is not None,
                status=state.status if state else None,
                bookmark_id=state.bookmark_id if state else None,
            )
        )
    return result


class Loaders:
    """The DataLoaders of one request; they cache loaded keys until it ends."""

    def __init__(self, context: "GraphQLContext") -> None:
        self._context = context
        self.repository = DataLoader[RepositoryKey, Repository | None](
            load_fn=self._load_repositories
        )
        self.labels = DataLoader[str, list[Label]](load_fn=self._load_labels)
        self.user_state = DataLoader[str, UserIssueState | None](
            load_fn=self._load_user_states
        )

    async def _load_repositories(
        self, keys: list[RepositoryKey]
    ) -> list[Repository | None]:
        return await self._context.run_db(load_repositories, keys)

    async def _load_labels(self, keys: list[str]) -> list[list[Label]]:
        return await self._context.run_db(load_labels, keys)

    async def _load_user_states(self, keys: list[str]) -> list[UserIssueState | None]:
        if await self._context.optional_user() is None:
            return [None for _ in keys]
        user_id = await self._context.current_user_id()
        return await self._context.run_db(load_user_states, user_id, keys)
