"""Search results merged with the signed-in caller's tracking state.

The shared search (and its Redis cache of first pages) stays anonymous. This
module adds the caller's part around it: tracked issues to hide and preferred
languages to boost before the search, `bookmarked`, `my_status` and
`bookmark_id` on every hit after it.
"""

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select, tuple_
from sqlmodel import Session

from accounts.models import User
from indexer.documents import document_id
from indexer.models import Issue
from search_api.params import Personalization, SearchParams
from search_api.schemas import SearchResponse
from search_api.service import search_issues
from tracking.models import TrackedIssue


class Ranking(str, Enum):
    default = "default"
    preferences = "preferences"


def tracked_issue_ids(session: Session, user_id: int) -> list[str]:
    """Return the API ids (`source:external_id`) of every issue the user tracks."""
    rows = session.execute(
        select(Issue.source, Issue.external_id)
        .join(TrackedIssue, TrackedIssue.issue_id == Issue.id)
        .where(TrackedIssue.user_id == user_id)
    )
    # TODO: users tracking tens of thousands of issues would exceed the size
    # of one Elasticsearch ids query; no limit is enforced yet.
    return [document_id(source, external_id) for source, external_id in rows]


@dataclass(frozen=True)
class TrackedState:
    """The user's bookmark of one issue: its id (`TrackedIssue.id`) and status."""

    bookmark_id: int
    status: str


def tracked_states(
    session: Session, user_id: int, issue_ids: list[str]
) -> dict[str, TrackedState]:
    """Return the user's bookmark per tracked issue among `issue_ids`, in one query."""
    pairs = [tuple(issue_id.split(":", 1)) for issue_id in issue_ids if ":" in issue_id]
    if not pairs:
        return {}
    rows = session.execute(
        select(Issue.source, Issue.external_id, TrackedIssue.id, TrackedIssue.status)
        .join(TrackedIssue, TrackedIssue.issue_id == Issue.id)
        .where(
            TrackedIssue.user_id == user_id,
            tuple_(Issue.source, Issue.external_id).in_(pairs),
        )
    )
    return {
        document_id(source, external_id): TrackedState(bookmark_id, status)
        for source, external_id, bookmark_id, status in rows
    }


def merge_user_state(session: Session, user_id: int, response: SearchResponse) -> None:
    """Set `bookmarked`, `my_status` and `bookmark_id` on every hit of the page."""
    states = tracked_states(session, user_id, [hit.id for hit in response.hits])
    for hit in response.hits:
        state = states.get(hit.id)
        hit.bookmarked = state is not None
        hit.my_status = state.status if state else None
        hit.bookmark_id = state.bookmark_id if state else None


def search_for_caller(
    session: Session,
    user: User | None,
    params: SearchParams,
    cursor: str | None = None,
    *,
    hide_tracked: bool = False,
    ranking: Ranking = Ranking.default,
) -> SearchResponse:
    """Search as `user`. Anonymous callers get the plain search: they track
    nothing and have no preferences, so both options change nothing for them."""
    if user is None or user.id is None:
        return search_issues(params, cursor)
    personalization = Personalization(
        hide_tracked=hide_tracked,
        excluded_ids=tuple(tracked_issue_ids(session, user.id)) if hide_tracked else (),
        boost_languages=(
            tuple(user.preferred_languages or ())
            if ranking == Ranking.preferences
            else ()
        ),
    )
    response = search_issues(params, cursor, personalization)
    merge_user_state(session, user.id, response)
    return response
