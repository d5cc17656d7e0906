"""Index rebuilds behind the alias."""

import pytest

from core.elastic import get_elasticsearch
from indexer import refresh
from indexer.rebuild import rebuild_index
from indexer.write_lock import (
    IndexLocked,
    RebuildRunning,
    active_writers,
    exclusive_rebuild,
    shared_write,
)
from indexer.search_index import alias_name, index_document_count
from tests.factories import make_issue, store_and_index


def aliased_indices() -> list[str]:
    return list(get_elasticsearch().indices.get_alias(name=alias_name()))


def test_rebuild_swaps_alias_and_keeps_documents():
    ids = store_and_index([make_issue(n) for n in range(1, 6)] + [make_issue(9, state="closed")])
    [before] = aliased_indices()
    count = rebuild_index()
    [after] = aliased_indices()
    assert count == 5
    assert after != before
    assert index_document_count() == 5
    assert not get_elasticsearch().indices.exists(index=before)
    assert len(ids) == 6


def test_index_write_waits_for_a_running_rebuild():
    ids = store_and_index([make_issue(1)])
    with exclusive_rebuild(timeout=30, drain_wait=1):
        with pytest.raises(IndexLocked):
            refresh.index_issues(ids)
    assert refresh.index_issues(ids) == (1, 0)


def test_index_writers_share_the_index():
    with shared_write(wait=0), shared_write(wait=0):
        assert active_writers() == 2
    assert active_writers() == 0


def test_rebuild_refuses_while_writes_do_not_finish():
    with shared_write(wait=0):
        with pytest.raises(RebuildRunning, match="did not finish"):
            with exclusive_rebuild(timeout=30, drain_wait=0.3):
                pass
        # The refused rebuild left nothing behind that turns writers away.
        with shared_write(wait=0):
            assert active_writers() == 2


def test_rebuild_rejected_while_another_runs():
    with exclusive_rebuild(timeout=30, drain_wait=1):
        with pytest.raises(RebuildRunning, match="another rebuild"):
            rebuild_index()


def test_older_live_mapping_gains_new_fields():
    from indexer.search_index import PROJECT_ROOT, ensure_index, load_mapping, new_index_name

    client = get_elasticsearch()
    old_mapping = load_mapping(PROJECT_ROOT / "mappings" / "issues_v1.json")
    name = new_index_name()
    client.indices.create(
        index=name, settings=old_mapping["settings"], mappings=old_mapping["mappings"]
    )
    client.indices.put_alias(index=name, name=alias_name())
    assert ensure_index() == name
    live = client.indices.get_mapping(index=name)[name]["mappings"]
    assert live["_meta"]["mapping_version"] == load_mapping()["mappings"]["_meta"]["mapping_version"]
    assert "forks" in live["properties"]
    store_and_index([make_issue(1)])
    assert index_document_count() == 1
