"""`odyssey reindex`: searches keep working, updates during it are kept, and a
document count mismatch leaves the alias alone."""

import threading

import pytest
from fastapi.testclient import TestClient

from core.database import session_scope
from core.elastic import get_elasticsearch
from indexer import rebuild, store
from indexer.rebuild import DocumentCountMismatch, rebuild_index
from indexer.search_index import alias_name, index_document_count
from search_api.app import create_app
from tests.factories import make_issue, store_and_index
from tests.pipeline import running_worker
from core.broker import broker
from core.broker import enqueue

MAX_SEARCHES = 2000


def aliased() -> list[str]:
    return list(get_elasticsearch().indices.get_alias(name=alias_name()))


def test_searches_never_fail_during_reindex():
    store_and_index([make_issue(n, title=f"Fix typo {n}") for n in range(1, 201)])
    client = TestClient(create_app())
    statuses: list[int] = []
    done = threading.Event()

    def search_loop() -> None:
        for number in range(MAX_SEARCHES):
            if done.is_set():
                break
            response = client.get("/v1/search", params={"q": f"typo {number % 50}"})
            statuses.append(response.status_code)

    searcher = threading.Thread(target=search_loop)
    searcher.start()
    try:
        count = rebuild_index()
    finally:
        done.set()
        searcher.join(timeout=120)
    assert count == 200
    assert statuses
    assert set(statuses) == {200}


def test_update_during_reindex_is_not_lost(monkeypatch):
    ids = store_and_index([make_issue(n) for n in range(1, 6)])
    load_all = rebuild._load_all

    def load_then_update(index: str) -> int:
        loaded = load_all(index)
        with session_scope() as session:
            store.upsert_issues(session, [make_issue(1, title="Renamed while rebuilding")])
        enqueue("index_issues", [ids[0]])
        return loaded

    monkeypatch.setattr(rebuild, "_load_all", load_then_update)
    with running_worker():
        rebuild_index()
        broker.join("default", timeout=120_000)
    get_elasticsearch().indices.refresh(index=alias_name())
    document = get_elasticsearch().get(index=alias_name(), id=f"github:{make_issue(1).external_id}")
    assert document["_source"]["title"] == "Renamed while rebuilding"
    assert index_document_count() == 5


def test_count_mismatch_keeps_old_index(monkeypatch):
    store_and_index([make_issue(n) for n in range(1, 4)])
    [before] = aliased()
    load_all = rebuild._load_all
    monkeypatch.setattr(rebuild, "_load_all", lambda index: load_all(index) + 1)
    with pytest.raises(DocumentCountMismatch):
        rebuild_index()
    assert aliased() == [before]
    assert index_document_count() == 3
    indices = get_elasticsearch().indices.get(index=f"{alias_name()}-*")
    assert list(indices) == [before]
