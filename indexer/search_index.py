"""The versioned issue index behind its alias: creation, bulk writes, rebuilds.

Searches and writes go through the alias `<prefix>-issues`. Each concrete
index is named `<prefix>-issues-v<mapping version>-<timestamp>`, so a rebuild
loads a new index and then moves the alias in one atomic update.
"""

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError
from elasticsearch.helpers import streaming_bulk

from core.elastic import get_elasticsearch
from core.redis_client import get_redis
from core.settings import PROJECT_ROOT, get_settings

logger = logging.getLogger(__name__)

MAPPING_PATH = PROJECT_ROOT / "mappings" / "issues_v2.json"
# Redis key bumped after every write; search cache keys contain it, so cached
# results of an older index state are never served.
GENERATION_KEY = "search:index-generation"


def alias_name() -> str:
    return f"{get_settings().index_prefix}-issues"


def load_mapping(path: Path = MAPPING_PATH) -> dict[str, Any]:
    return json.loads(path.read_text())


def new_index_name() -> str:
    version = load_mapping()["mappings"]["_meta"]["mapping_version"]
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    return f"{alias_name()}-v{version}-{stamp}"


def create_index(client: Elasticsearch, name: str) -> None:
    mapping = load_mapping()
    client.indices.create(
        index=name, settings=mapping["settings"], mappings=mapping["mappings"]
    )
    logger.info("created index %s", name)


def ensure_index(client: Elasticsearch | None = None) -> str:
    """Create the first index and its alias unless the alias exists; return the
    name of the index the alias points to."""
    client = client or get_elasticsearch()
    alias = alias_name()
    if client.indices.exists_alias(name=alias):
        current = next(iter(client.indices.get_alias(name=alias)))
        upgrade_mapping(client, current)
        return current
    name = new_index_name()
    create_index(client, name)
    client.indices.put_alias(index=name, name=alias)
    return name


def upgrade_mapping(client: Elasticsearch, index: str) -> None:
    """Add the fields of a newer mapping file to an older live index.

    New fields can be added to a live mapping in place, so an upgraded
    deployment keeps indexing without a rebuild. Changed fields cannot: that
    raises, and `odyssey reindex` builds a new index instead. Documents
    indexed before the upgrade lack the new fields until they are re-indexed.
    """
    mapping = load_mapping()["mappings"]
    wanted = mapping["_meta"]["mapping_version"]
    live = client.indices.get_mapping(index=index)[index]["mappings"]
    version = live.get("_meta", {}).get("mapping_version", 0)
    if version >= wanted:
        return
    try:
        client.indices.put_mapping(
            index=index, properties=mapping["properties"], meta=mapping["_meta"]
        )
    except BadRequestError as error:
        raise RuntimeError(
            f"index {index} has mapping version {version} and cannot take version "
            f"{wanted} in place ({error.message}); run `odyssey reindex`"
        ) from None
    logger.info("index %s mapping upgraded from version %s to %s", index, version, wanted)


def bump_generation() -> int:
    return int(get_redis().incr(GENERATION_KEY))


def current_generation() -> int:
    return int(get_redis().get(GENERATION_KEY) or 0)


def write_documents(
    documents: Iterable[dict[str, Any]],
    deletions: Iterable[str] = (),
    *,
    index: str | None = None,
    refresh: bool = False,
) -> tuple[int, int]:
    """Index documents and delete ids in bulk; return (indexed, deleted).

    A delete of an id that is not in the index counts as done, so the call is
    idempotent. Any other failed item raises, and the caller's job is retried.
    """
    client = get_elasticsearch()
    target = index or alias_name()
    actions: list[dict[str, Any]] = [
        {"_op_type": "index", "_index": target, "_id": doc["doc_id"], "_source": doc}
        for doc in documents
    ]
    actions += [
        {"_op_type": "delete", "_index": target, "_id": doc_id} for doc_id in deletions
    ]
    if not actions:
        return 0, 0
    indexed = deleted = 0
    failures: list[dict[str, Any]] = []
    for ok, item in streaming_bulk(
        client, actions, raise_on_error=False, chunk_size=500, refresh=refresh
    ):
        operation, result = next(iter(item.items()))
        if operation == "delete" and (ok or result.get("status") == 404):
            deleted += 1
        elif ok:
            indexed += 1
        else:
            failures.append(result)
    if failures:
        raise BulkIndexError(failures)
    bump_generation()
    return indexed, deleted


class BulkIndexError(RuntimeError):
    def __init__(self, failures: list[dict[str, Any]]) -> None:
        self.failures = failures
        first = failures[0]
        super().__init__(
            f"{len(failures)} bulk actions failed; first: id={first.get('_id')} "
            f"error={first.get('error')}"
        )


def swap_alias(client: Elasticsearch, new_index: str) -> list[str]:
    """Point the alias at `new_index` in one update; return the old indices."""
    alias = alias_name()
    try:
        old = list(client.indices.get_alias(name=alias))
    except NotFoundError:
        old = []
    actions: list[dict[str, Any]] = [{"add": {"index": new_index, "alias": alias}}]
    actions += [{"remove": {"index": name, "alias": alias}} for name in old]
    client.indices.update_aliases(actions=actions)
    logger.info("alias %s now points at %s (was %s)", alias, new_index, old)
    return old


def index_document_count(client: Elasticsearch | None = None) -> int:
    """Count documents after a refresh, so writes of the last second count too."""
    client = client or get_elasticsearch()
    client.indices.refresh(index=alias_name())
    return int(client.count(index=alias_name())["count"])
