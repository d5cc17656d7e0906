"""Match newly indexed issues against every saved search.

Each saved search becomes one Elasticsearch query restricted to the batch's
document ids with an `ids` filter, and the queries go out in `_msearch`
requests of ALERT_MATCH_CHUNK_SIZE searches. The cost grows with the number
of saved searches times the (small) batch, never with the size of the index.
A saved search matches only issues first seen at or after the moment it was saved.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from alerts.deliveries import insert_deliveries, issue_summaries
from alerts.models import AlertMatch, SavedSearch
from alerts.search_query import load_search_query, to_search_params
from core.elastic import get_elasticsearch
from core.errors import InvalidParameter
from core.settings import get_settings
from indexer.models import Issue, utc_now
from indexer.search_index import alias_name
from search_api.query_builder import base_filters, selected_filters, text_query

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchIssue:
    issue_id: int
    doc_id: str
    first_seen_at: datetime


@dataclass(frozen=True)
class SearchTarget:
    id: int
    user_id: int
    name: str
    frequency: str
    channels: tuple[str, ...]
    created_at: datetime
    query: dict[str, Any]


# Compiled queries by (saved search id, updated_at), so a batch does not
# re-validate 10,000 unchanged searches.
_query_cache: dict[tuple[int, datetime], dict[str, Any] | None] = {}
QUERY_CACHE_LIMIT = 50_000


def compile_query(search: SavedSearch) -> dict[str, Any] | None:
    """Build the bool query of a saved search; None when its stored
    parameters no longer pass validation (it is then skipped and logged)."""
    assert search.id is not None
    key = (search.id, search.updated_at)
    if key in _query_cache:
        return _query_cache[key]
    try:
        params = to_search_params(load_search_query(search.params))
    except (ValidationError, InvalidParameter) as error:
        logger.error("saved search %d has invalid parameters: %s", search.id, error)
        query = None
    else:
        filters = base_filters(params) + list(selected_filters(params).values())
        query = {"bool": {"must": text_query(params.q), "filter": filters}}
    if len(_query_cache) >= QUERY_CACHE_LIMIT:
        _query_cache.clear()
    _query_cache[key] = query
    return query


def load_batch(session: Session, doc_ids: list[str]) -> list[BatchIssue]:
    """Return the stored open issues behind index document ids."""
    pairs = [tuple(doc_id.split(":", 1)) for doc_id in doc_ids if ":" in doc_id]
    if not pairs:
        return []
    rows = session.exec(
        select(Issue.id, Issue.source, Issue.external_id, Issue.first_seen_at).where(
            tuple_(Issue.source, Issue.external_id).in_(pairs),
            Issue.state == "open",
        )
    ).all()
    return [
        BatchIssue(issue_id=row[0], doc_id=f"{row[1]}:{row[2]}", first_seen_at=row[3])
        for row in rows
        if row[0] is not None
    ]


def load_targets(session: Session, newest_first_seen: datetime) -> list[SearchTarget]:
    """Return the saved searches created no later than the newest issue of the
    batch was first seen; later ones cannot match any of its issues."""
    searches = session.exec(
        select(SavedSearch)
        .where(SavedSearch.created_at <= newest_first_seen)
        .order_by(col(SavedSearch.id))
    ).all()
    targets = []
    for search in searches:
        query = compile_query(search)
        if query is None or search.id is None:
            continue
        targets.append(
            SearchTarget(
                id=search.id,
                user_id=search.user_id,
                name=search.name,
                frequency=search.frequency,
                channels=tuple(search.channels),
                created_at=search.created_at,
                query=query,
            )
        )
    return targets


def find_hits(
    targets: list[SearchTarget], batch: list[BatchIssue]
) -> Iterator[tuple[list[SearchTarget], dict[int, list[str]]]]:
    """Run the targets' queries over the batch, one `_msearch` per chunk of
    targets; yield each chunk with its hits (doc ids by saved search id), so
    callers store them chunk by chunk and memory stays bounded."""
    chunk_size = get_settings().alert_match_chunk_size
    for start in range(0, len(targets), chunk_size):
        chunk = targets[start : start + chunk_size]
        yield chunk, _search_chunk(chunk, batch)


def _search_chunk(
    chunk: list[SearchTarget], batch: list[BatchIssue]
) -> dict[int, list[str]]:
    index = alias_name()
    searches: list[dict[str, Any]] = []
    sent: list[SearchTarget] = []
    for target in chunk:
        eligible = [i.doc_id for i in batch if i.first_seen_at >= target.created_at]
        if not eligible:
            continue
        query = {
            "bool": {"must": target.query, "filter": [{"ids": {"values": eligible}}]}
        }
        searches.append({"index": index})
        # Sorting by _doc skips scoring, which matching does not need.
        searches.append(
            {
                "query": query,
                "size": len(eligible),
                "sort": ["_doc"],
                "_source": False,
                "track_total_hits": False,
            }
        )
        sent.append(target)
    if not sent:
        return {}
    # `status` keeps every response in the filtered list: a response reduced
    # to nothing would be dropped and shift the others against `sent`.
    response = get_elasticsearch().msearch(
        searches=searches,
        filter_path=["responses.status", "responses.hits.hits._id", "responses.error"],
    )
    hits: dict[int, list[str]] = {}
    for target, result in zip(sent, response["responses"], strict=True):
        if "error" in result:
            # Raised, so the job is retried; matching is idempotent.
            raise MatchingError(f"saved search {target.id}: {result['error']}")
        found = [hit["_id"] for hit in result.get("hits", {}).get("hits", [])]
        if found:
            hits[target.id] = found
    return hits


class MatchingError(RuntimeError):
    """Elasticsearch rejected the query of a saved search."""


def record_matches(
    session: Session,
    targets: list[SearchTarget],
    batch: list[BatchIssue],
    hits: dict[int, list[str]],
) -> list[int]:
    """Insert the matches not announced before and create the deliveries of
    instant searches; return the new delivery ids. Runs in the caller's
    transaction, so matches and their deliveries commit together."""
    issue_by_doc = {issue.doc_id: issue.issue_id for issue in batch}
    by_id = {target.id: target for target in targets}
    rows = [
        {
            "saved_search_id": search_id,
            "issue_id": issue_by_doc[doc_id],
            "status": "delivered"
            if by_id[search_id].frequency == "instant"
            else "pending",
            "matched_at": utc_now(),
        }
        for search_id, doc_ids in hits.items()
        for doc_id in doc_ids
    ]
    if not rows:
        return []
    table = AlertMatch.__table__  # type: ignore[attr-defined]
    # One statement executed with many parameter sets: SQLAlchemy compiles it
    # once and batches the rows ("insertmanyvalues"), RETURNING included.
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["saved_search_id", "issue_id"])
        .returning(table.c.saved_search_id, table.c.issue_id)
    )
    new: dict[int, list[int]] = {}
    for search_id, issue_id in session.connection().execute(statement, rows).all():
        new.setdefault(search_id, []).append(issue_id)
    if not new:
        return []
    session.execute(
        update(SavedSearch)
        .where(col(SavedSearch.id).in_(list(new)))
        .values(last_alert_at=utc_now())
    )
    logger.info(
        "matched %d new issue announcements for %d saved searches",
        sum(len(ids) for ids in new.values()),
        len(new),
    )
    instant = {
        sid: ids for sid, ids in new.items() if by_id[sid].frequency == "instant"
    }
    return _instant_deliveries(session, [by_id[sid] for sid in instant], instant)


def _instant_deliveries(
    session: Session, targets: list[SearchTarget], new: dict[int, list[int]]
) -> list[int]:
    summaries = issue_summaries(session, [i for ids in new.values() for i in ids])
    rows = []
    for target in targets:
        issues = [summaries[i] for i in sorted(new[target.id]) if i in summaries]
        noun = "issue matches" if len(issues) == 1 else "issues match"
        payload = {
            "kind": "instant",
            "title": f"{len(issues)} new {noun} your saved search {target.name!r}",
            "sections": [
                {"saved_search_id": target.id, "name": target.name, "issues": issues}
            ],
        }
        rows += [
            {
                "user_id": target.user_id,
                "saved_search_id": target.id,
                "channel": channel,
                "kind": "instant",
                "payload": payload,
            }
            for channel in target.channels
        ]
    return insert_deliveries(session, rows)


def match_batch(session: Session, doc_ids: list[str]) -> list[int]:
    """Match one indexing batch against all saved searches; return the ids of
    the deliveries to enqueue once the session commits."""
    batch = load_batch(session, doc_ids)
    if not batch:
        return []
    newest = max(issue.first_seen_at for issue in batch)
    targets = load_targets(session, newest)
    if not targets:
        return []
    # The batch was just written; a refresh makes it visible to search.
    get_elasticsearch().indices.refresh(index=alias_name())
    delivery_ids = []
    for chunk, hits in find_hits(targets, batch):
        delivery_ids += record_matches(session, chunk, batch, hits)
    return delivery_ids
