"""Search and issue lookup: the functions the REST routes call."""

import logging
from typing import Any

from elasticsearch import ApiError, NotFoundError, TransportError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from core.elastic import get_elasticsearch
from core.errors import InvalidParameter, NotFound, ServiceUnavailable
from core.metrics import ELASTICSEARCH_QUERY_SECONDS
from core.unavailable import ELASTICSEARCH, POSTGRES, RepeatLimiter
from indexer.models import Issue, IssueLabel, Label, Repository
from indexer.search_index import alias_name
from search_api import cache
from search_api.cursor import Cursor, decode_cursor, encode_cursor
from search_api.params import Personalization, SearchParams
from search_api.query_builder import FACET_NAMES, build_search_body, facet_results
from search_api.schemas import (
    Facet,
    FacetValue,
    IssueDetail,
    IssueHit,
    LabelOut,
    SearchResponse,
)

logger = logging.getLogger(__name__)
# While Elasticsearch is down every search fails the same way.
_outage_log = RepeatLimiter(logger)

PIT_KEEP_ALIVE = "5m"


def _search_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(ELASTICSEARCH.message, details={"service": ELASTICSEARCH.name})


def search_issues(
    params: SearchParams,
    cursor_text: str | None = None,
    personalization: Personalization | None = None,
) -> SearchResponse:
    """Run a search. First pages are cached in Redis unless the search is
    personalized, because a personalized page belongs to one user."""
    fingerprint = params.fingerprint()
    if personalization is not None and personalization.is_active:
        fingerprint = personalization.fingerprint(fingerprint)
    else:
        personalization = None
    if cursor_text:
        cursor = decode_cursor(cursor_text, fingerprint)
        return _run_search(params, fingerprint, cursor, personalization)
    if personalization is not None:
        return _run_search(params, fingerprint, None, personalization)
    return SearchResponse.model_validate_json(first_page_json(params))


def first_page_json(params: SearchParams) -> str:
    """Return the JSON body of an anonymous first page, from the Redis cache
    when it is there. Routes send it as is: parsing a cached page into models
    and serialising it again took most of a cache hit's CPU."""
    fingerprint = params.fingerprint()
    key, cached = cache.get_cached(fingerprint, params.size)
    if cached:
        return cached
    payload = _run_search(params, fingerprint, None, None).model_dump_json()
    if key:
        cache.store_cached(key, payload)
    return payload


def _run_search(
    params: SearchParams,
    fingerprint: str,
    cursor: Cursor | None,
    personalization: Personalization | None,
) -> SearchResponse:
    client = get_elasticsearch()
    body = build_search_body(
        params,
        search_after=cursor.search_after if cursor else None,
        personalization=personalization,
    )
    # One hit more than the page tells whether a next page exists.
    body["size"] = params.size + 1
    pit_id = None
    if cursor:
        # The snapshot is opened when a client asks for a second page, so
        # first pages that are never continued hold no search context.
        pit_id = cursor.pit_id or _open_point_in_time()
        if pit_id is None:
            raise _search_unavailable()
    try:
        with ELASTICSEARCH_QUERY_SECONDS.labels("search").time():
            if pit_id:
                body["pit"] = {"id": pit_id, "keep_alive": PIT_KEEP_ALIVE}
                result = client.search(**body)
            else:
                result = client.search(index=alias_name(), **body)
    except NotFoundError as error:
        if cursor:
            raise InvalidParameter(
                "cursor expired; repeat the search without a cursor to start again",
                details={"parameter": "cursor"},
            ) from None
        raise ServiceUnavailable(
            "the issue index does not exist yet; run a refresh",
            details={"service": ELASTICSEARCH.name},
        ) from error
    except ApiError as error:
        if cursor is None:
            _outage_log.error("api", "search request failed: %s", error)
            raise _search_unavailable() from None
        logger.warning("search with a cursor was rejected: %s", error.message)
        raise InvalidParameter(
            "cursor is invalid; repeat the search without a cursor to start again",
            details={"parameter": "cursor"},
        ) from None
    except TransportError as error:
        _outage_log.error("transport", "search request failed: %s", error)
        raise _search_unavailable() from None

    hits = result["hits"]["hits"]
    total = result["hits"]["total"]["value"]
    next_cursor = None
    if len(hits) > params.size:
        hits = hits[: params.size]
        next_cursor = encode_cursor(
            Cursor(
                fingerprint=fingerprint,
                search_after=hits[-1]["sort"],
                pit_id=result.get("pit_id") or "",
            )
        )
    return SearchResponse(
        total=total,
        hits=[_hit(hit) for hit in hits],
        facets=_facets(result.get("aggregations", {}), params),
        next_cursor=next_cursor,
    )


def _open_point_in_time() -> str | None:
    try:
        return get_elasticsearch().open_point_in_time(
            index=alias_name(), keep_alive=PIT_KEEP_ALIVE
        )["id"]
    except (TransportError, ApiError) as error:
        logger.error("opening a point in time failed; no next cursor: %s", error)
        return None


def _hit(hit: dict[str, Any]) -> IssueHit:
    source = hit["_source"]
    fragments = hit.get("highlight", {}).get("body")
    return IssueHit(
        id=source["doc_id"],
        source=source["source"],
        repo=source["repo"],
        number=source["number"],
        title=source["title"],
        url=source["url"],
        labels=source["labels"],
        language=source.get("language"),
        difficulty=source["difficulty"],
        kinds=source.get("kinds", []),
        events=source.get("events", []),
        assigned=source["assigned"],
        comment_count=source["comment_count"],
        stars=source.get("stars", 0),
        created_at=source["created_at"],
        updated_at=source["updated_at"],
        snippet=fragments[0] if fragments else None,
    )


def _facets(aggregations: dict[str, Any], params: SearchParams) -> list[Facet]:
    facets = []
    results = facet_results(aggregations)
    for name in FACET_NAMES:
        if name not in results:
            continue
        if name == "freshness":
            buckets = results[name]["buckets"]
            chosen = {params.freshness.value} if params.freshness else set()
            values = [
                FacetValue(value=key, count=bucket["doc_count"], selected=key in chosen)
                for key, bucket in buckets.items()
            ]
        else:
            chosen = set(params.facets.get(name, ()))
            values = [
                FacetValue(value=str(b["key"]), count=b["doc_count"], selected=str(b["key"]) in chosen)
                for b in results[name]["buckets"]
            ]
            listed = {value.value for value in values}
            # A selected value stays visible with a zero count, so it can be cleared.
            values += [FacetValue(value=v, count=0, selected=True) for v in sorted(chosen - listed)]
        facets.append(Facet(name=name, values=values))
    return facets


def get_issue(session: Session, issue_id: str) -> IssueDetail:
    source, _, external_id = issue_id.partition(":")
    if not source or not external_id or "\x00" in issue_id:
        raise InvalidParameter(
            f"issue id {issue_id!r} is invalid; ids look like 'github:I_kwDO...'",
            details={"parameter": "issue_id"},
        )
    try:
        row = session.execute(
            select(Issue, Repository)
            .join(Repository, Issue.repository_id == Repository.id)
            .where(Issue.source == source, Issue.external_id == external_id)
        ).first()
        if row is None:
            raise NotFound(f"issue {issue_id} not found")
        issue, repository = row
        labels = session.execute(
            select(Label)
            .join(IssueLabel, IssueLabel.label_id == Label.id)
            .where(IssueLabel.issue_id == issue.id)
            .order_by(Label.name)
        ).scalars()
    except OperationalError as error:
        _outage_log.error("database", "issue lookup %s failed: %s", issue_id, error)
        raise ServiceUnavailable(POSTGRES.message, details={"service": POSTGRES.name}) from None
    return IssueDetail(
        id=issue_id,
        source=issue.source,
        repo=repository.full_name,
        repo_url=repository.url,
        number=issue.number,
        title=issue.title,
        body=issue.description,
        url=issue.url,
        state=issue.state,
        locked=issue.locked,
        assigned=issue.assignee_count > 0,
        labels=[LabelOut(name=l.name, color=l.color, description=l.description) for l in labels],
        language=repository.language,
        difficulty=issue.difficulty,
        kinds=list(issue.kinds or []),
        events=list(issue.events or []),
        beginner_friendly=issue.beginner_friendly,
        comment_count=issue.comment_count,
        stars=repository.stars,
        created_at=issue.created_at,
        updated_at=issue.updated_at,
        closed_at=issue.closed_at,
    )
