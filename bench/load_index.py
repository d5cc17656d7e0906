"""Fill the benchmark index with generated issues, straight into Elasticsearch.

Usage: python -m bench.load_index --issues 1000000

Search latency depends on the index, not on how documents got there, so this
skips the local GitHub, the workers and PostgreSQL: through them, a million
issues take over an hour on 2 cores at the rates bench.indexing_throughput
measures. Records come from bench.generate_issues, which generates beginner
issues only; each goes through the indexer's searchability check, as in a
refresh.
The documents are built by the indexer's own code. Anonymous searches read
only the index, so bench.search_latency can run on the result.
"""

import argparse
import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from types import SimpleNamespace

from bench.environment import use_bench_environment

use_bench_environment()

from elasticsearch.helpers import parallel_bulk  # noqa: E402

from bench.generate_issues import iter_records  # noqa: E402
from cli.demo import demo_data_path  # noqa: E402
from core.elastic import get_elasticsearch  # noqa: E402
from core.settings import get_settings  # noqa: E402
from indexer import search_index, store  # noqa: E402
from indexer.documents import build_document, is_searchable  # noqa: E402
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository  # noqa: E402

def fetched_issue(record: dict) -> FetchedIssue:
    """Turn a generated record into the indexer's source-neutral record."""
    owner, name = record["repo"].split("/")
    created = datetime.combine(date.fromisoformat(record["created_at"]), datetime.min.time())
    created = created.replace(tzinfo=timezone.utc)
    repository = FetchedRepository(
        source="github",
        external_id=f"R_{record['repo']}",
        name=name,
        full_name=record["repo"],
        owner=owner,
        url=f"https://github.com/{record['repo']}",
        language=record.get("language"),
        stars=record["number"] % 500,
    )
    return FetchedIssue(
        source="github",
        external_id=f"I_{record['number']}",
        number=record["number"],
        title=record["title"],
        body=record["body"],
        state=record["state"],
        url=record["url"],
        created_at=created,
        updated_at=created,
        repository=repository,
        comment_count=record["comments"],
        labels=tuple(FetchedLabel(name=label) for label in record["labels"]),
    )


def documents(count: int) -> Iterator[dict]:
    """Yield bulk actions for the searchable ones of `count` generated issues."""
    index = search_index.alias_name()
    fetched_at = datetime.now(timezone.utc)
    for record in iter_records(demo_data_path(), count):
        fetched = fetched_issue(record)
        # Plain objects with the model's attributes: building SQLModel
        # instances would cost more than the rest of the loader.
        repository = SimpleNamespace(**store.repository_row(fetched.repository, fetched_at))
        issue = SimpleNamespace(**store.issue_row(fetched, 0, None))
        if not is_searchable(issue, repository):
            continue
        labels = [SimpleNamespace(name=label.name) for label in fetched.labels]
        document = build_document(issue, repository, labels)
        yield {"_index": index, "_id": document["doc_id"], "_source": document}


def load(count: int, threads: int) -> dict[str, object]:
    client = get_elasticsearch()
    client.indices.delete(
        index=f"{get_settings().index_prefix}-*", ignore_unavailable=True, allow_no_indices=True
    )
    name = search_index.ensure_index(client)
    client.indices.put_settings(index=name, settings={"index": {"refresh_interval": "-1"}})
    started = time.perf_counter()
    failures = 0
    for ok, _ in parallel_bulk(
        client, documents(count), thread_count=threads, chunk_size=1000, raise_on_error=False
    ):
        failures += not ok
    client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
    client.indices.refresh(index=name)
    loaded = time.perf_counter() - started
    client.options(request_timeout=1800).indices.forcemerge(index=name, max_num_segments=5)
    return {
        "index": name,
        "documents": search_index.index_document_count(client),
        "failed": failures,
        "load_seconds": loaded,
        "documents_per_second": count / loaded,
        "merge_seconds": time.perf_counter() - started - loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=1_000_000, help="documents to index")
    parser.add_argument("--threads", type=int, default=2, help="concurrent bulk requests")
    args = parser.parse_args()
    for key, value in load(args.issues, args.threads).items():
        print(f"{key}: {value:.1f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
