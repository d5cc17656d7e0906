"""Time matching one indexing batch against many saved searches.

Usage: python -m bench.alert_matching [--searches 10000] [--issues 1000]
       [--repeat 3]

Loads ISSUES generated issues into PostgreSQL and an index of its own, stores
SEARCHES saved searches (a language and a word each, half of them also a label
or kind, owned by SEARCHES / 10 users). It times the Elasticsearch part alone
(`find_hits`), then `alerts.matching.match_batch` over the whole batch, which
also stores the matches and the instant deliveries. Each run is rolled back,
so every run matches the same batch from scratch. It uses
its own database `odyssey_bench_alerts` and index prefix beside the other
benchmarks, and Redis database 2 only for the index generation counter.
"""

import argparse
import random
import time
from datetime import datetime, timedelta, timezone

from bench.environment import reset_bench_state, use_bench_environment

use_bench_environment(database="odyssey_bench_alerts", index_prefix="odyssey-bench-alerts")

from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from accounts.models import User  # noqa: E402
from alerts.matching import (  # noqa: E402
    find_hits,
    load_batch,
    load_targets,
    match_batch,
)
from alerts.models import AlertMatch, SavedSearch  # noqa: E402
from core.database import get_engine, session_scope  # noqa: E402
from core.settings import get_settings  # noqa: E402
from indexer import search_index, store  # noqa: E402
from indexer.documents import build_document, is_searchable  # noqa: E402
from indexer.records import FetchedIssue, FetchedLabel, FetchedRepository  # noqa: E402

WORDS = (
    "add fix update docs test parser config error message option flag output "
    "install guide example command support handle check improve remove rename "
    "typo link page build script value default file path user input format "
    "cache token retry timeout logging metrics plugin theme layout widget button "
    "color font table chart query schema migration release version changelog"
).split()
LANGUAGES = ["Python", "Rust", "Go", "JavaScript", "TypeScript", "Java", "Ruby", "C"]
LABELS = ["good first issue", "help wanted", "documentation", "bug", "easy"]
KINDS = ["docs", "tests", "bug", "feature"]


def make_issues(count: int, rng: random.Random) -> list[FetchedIssue]:
    now = datetime.now(timezone.utc)
    issues = []
    for number in range(1, count + 1):
        name = f"repo-{number % 50}"
        repository = FetchedRepository(
            source="github",
            external_id=f"R_bench_{name}",
            name=name,
            full_name=f"bench-org/{name}",
            owner="bench-org",
            url=f"https://github.com/bench-org/{name}",
            language=LANGUAGES[number % len(LANGUAGES)],
        )
        labels = ["good first issue", *rng.sample(LABELS[1:], k=rng.randint(0, 2))]
        issues.append(
            FetchedIssue(
                source="github",
                external_id=f"I_bench_{number}",
                number=number,
                title=" ".join(rng.choices(WORDS, k=rng.randint(3, 8))).capitalize(),
                body=" ".join(rng.choices(WORDS, k=12)),
                state="open",
                url=f"{repository.url}/issues/{number}",
                created_at=now - timedelta(days=rng.randint(0, 30)),
                updated_at=now,
                repository=repository,
                labels=tuple(FetchedLabel(name=label) for label in labels),
            )
        )
    return issues


def load_issues(count: int, rng: random.Random) -> list[str]:
    """Store and index the issues; return their document ids."""
    search_index.ensure_index()
    with session_scope() as session:
        ids = store.upsert_issues(session, make_issues(count, rng), job_id=None)
        loaded = store.load_issues_for_index(session, ids)
    documents = [
        build_document(issue, repository, labels)
        for issue, repository, labels in loaded
        if is_searchable(issue, repository)
    ]
    search_index.write_documents(documents, refresh=True)
    return [document["doc_id"] for document in documents]


def random_query(rng: random.Random) -> dict[str, list[str] | str]:
    """Return a query with a language and a word, half the time also a label or kind."""
    query: dict[str, list[str] | str] = {
        "language": [rng.choice(LANGUAGES)],
        "q": rng.choice(WORDS),
    }
    if rng.random() < 0.5:
        facet, values = rng.choice([("label", LABELS), ("kind", KINDS)])
        query[facet] = rng.sample(values, k=rng.randint(1, 2))
    return query


def load_saved_searches(count: int, rng: random.Random) -> None:
    """Store `count` instant in-app saved searches, created an hour ago."""
    created = datetime.now(timezone.utc) - timedelta(hours=1)
    users = max(1, count // 10)
    with session_scope() as session:
        session.execute(
            insert(User),
            [
                {
                    "email": f"bench-{n}@example.org",
                    "display_name": f"bench {n}",
                    "role": "user",
                    "preferred_languages": [],
                    "created_at": created,
                }
                for n in range(users)
            ],
        )
        session.execute(
            insert(SavedSearch),
            [
                {
                    "user_id": 1 + n % users,
                    "name": f"search {n}",
                    "params": random_query(rng),
                    "frequency": "instant",
                    "channels": ["in_app"],
                    "timezone": "UTC",
                    "digest_hour": 8,
                    "digest_weekday": 0,
                    "created_at": created,
                    "updated_at": created,
                }
                for n in range(count)
            ],
        )


def time_search_only(doc_ids: list[str]) -> tuple[float, int]:
    """Return the seconds of the `_msearch` requests alone and the hit count."""
    with session_scope() as session:
        batch = load_batch(session, doc_ids)
        targets = load_targets(session, max(issue.first_seen_at for issue in batch))
    started = time.perf_counter()
    hit_count = sum(
        len(found) for _, hits in find_hits(targets, batch) for found in hits.values()
    )
    return time.perf_counter() - started, hit_count


def time_match(doc_ids: list[str]) -> tuple[float, int, int]:
    """Run match_batch in a transaction that is rolled back; return the
    seconds it took, the matches stored and the deliveries created."""
    with get_engine().connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection) as session:
            started = time.perf_counter()
            delivery_ids = match_batch(session, doc_ids)
            elapsed = time.perf_counter() - started
            matches = session.exec(select(func.count()).select_from(AlertMatch)).one()
        transaction.rollback()
    return elapsed, int(matches), len(delivery_ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=10_000, help="saved searches")
    parser.add_argument("--issues", type=int, default=1_000, help="issues in the batch")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs")
    args = parser.parse_args()
    rng = random.Random(7)
    reset_bench_state()
    doc_ids = load_issues(args.issues, rng)
    load_saved_searches(args.searches, rng)
    print(
        f"matching {len(doc_ids)} new issues against {args.searches} saved searches "
        f"(chunks of {get_settings().alert_match_chunk_size} per _msearch)"
    )
    for run in range(1, args.repeat + 1):
        elapsed, hit_count = time_search_only(doc_ids)
        print(f"run {run}: _msearch only {elapsed:.2f} s, {hit_count} hits")
        elapsed, matches, deliveries = time_match(doc_ids)
        print(
            f"run {run}: match_batch {elapsed:.2f} s, {matches} matches stored, "
            f"{deliveries} instant deliveries created"
        )


if __name__ == "__main__":
    main()
