"""Rebuild the issue index from PostgreSQL without downtime.

The new index is loaded with replicas and refresh off, its settings restored,
and then the alias moves to it in one atomic update, but only when the new
index contains exactly as many documents as were loaded into it. A half-built
index is deleted when the rebuild fails. The rebuild has the index to itself
(`indexer.write_lock`), so regular index writes wait, their jobs retrying
until it is done, instead of landing in the old index after it was copied.
The retried writes then go to the new index through the alias.
"""

import logging
import time

from elasticsearch import Elasticsearch
from sqlalchemy import select

from core.database import session_scope
from core.elastic import get_elasticsearch
from indexer import search_index, store
from indexer.documents import build_document, is_searchable
from indexer.models import Issue
from indexer.write_lock import exclusive_rebuild

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Seconds; the rebuild's hold expires on its own if its process dies.
REBUILD_LOCK_TIMEOUT = 3600
# Seconds to wait for index writes already under way before starting.
WRITER_DRAIN_WAIT = 60.0
# Seconds between the alias swap and deleting the old index, so searches that
# resolved the alias just before the swap can finish on the old index.
OLD_INDEX_GRACE = 2.0


class DocumentCountMismatch(RuntimeError):
    """The new index contains a different number of documents than were loaded."""


def rebuild_index() -> int:
    """Build a fresh index of every searchable issue; return the document count."""
    client = get_elasticsearch()
    with exclusive_rebuild(REBUILD_LOCK_TIMEOUT, WRITER_DRAIN_WAIT):
        new_index, count, old = _build_and_swap(client)
    time.sleep(OLD_INDEX_GRACE)
    for name in old:
        client.indices.delete(index=name, ignore_unavailable=True)
    logger.info("rebuilt index %s with %d issues; deleted %s", new_index, count, old)
    return count


def _build_and_swap(client: Elasticsearch) -> tuple[str, int, list[str]]:
    new_index = search_index.new_index_name()
    try:
        search_index.create_index(client, new_index)
        client.indices.put_settings(
            index=new_index,
            settings={"index": {"number_of_replicas": 0, "refresh_interval": "-1"}},
        )
        count = _load_all(new_index)
        client.indices.put_settings(index=new_index, settings={"index": {"refresh_interval": None}})
        client.indices.refresh(index=new_index)
        check_document_count(new_index, count)
        old = search_index.swap_alias(client, new_index)
        search_index.bump_generation()
    except Exception:
        logger.exception("index rebuild failed; deleting the half-built index %s", new_index)
        client.indices.delete(index=new_index, ignore_unavailable=True)
        raise
    return new_index, count, old


def check_document_count(index: str, expected: int) -> None:
    """Raise `DocumentCountMismatch` unless `index` contains `expected` documents."""
    actual = int(get_elasticsearch().count(index=index)["count"])
    if actual != expected:
        raise DocumentCountMismatch(
            f"index {index} contains {actual} documents but {expected} were loaded; "
            "the alias was not moved"
        )


def _load_all(index: str) -> int:
    count = 0
    last_id = 0
    while True:
        with session_scope() as session:
            ids = list(
                session.execute(
                    select(Issue.id).where(Issue.id > last_id).order_by(Issue.id).limit(BATCH_SIZE)
                ).scalars()
            )
            if not ids:
                return count
            loaded = store.load_issues_for_index(session, ids)
        documents = [
            build_document(issue, repository, labels)
            for issue, repository, labels in loaded
            if is_searchable(issue, repository)
        ]
        indexed, _ = search_index.write_documents(documents, index=index)
        count += indexed
        last_id = ids[-1]
