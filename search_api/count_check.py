"""Compare search hit and facet counts with counts computed from a JSONL file.

The expected side reads the same records the local GitHub served and applies
the product's rules: open, beginner-friendly by `indexer.normalize`, not
locked, not assigned, repository not archived. The served counts come from
the search API, so a mismatch shows a loss or duplicate anywhere between the
fetcher and the index.
"""

import json
import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from indexer.normalize import classify_labels, normalize_language
from search_api.params import NO_LANGUAGE

logger = logging.getLogger(__name__)

Record = dict[str, Any]
FACETS = ("label", "language", "difficulty", "kind", "repo", "source")
# Facet buckets the API returns per facet; only values inside it are compared.
FACET_SIZE = 50


def load_expected(path: Path) -> list[dict[str, Any]]:
    """Return the facet values of every record that search should serve."""
    expected = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        record: Record = json.loads(line)
        labels = [l if isinstance(l, str) else l["name"] for l in record.get("labels", [])]
        facets = classify_labels(labels)
        searchable = (
            record.get("state") == "open"
            and facets.beginner_friendly
            and not record.get("locked")
            and not record.get("assignees")
            and not record.get("repo_archived")
            and not record.get("is_pull_request")
        )
        if searchable:
            expected.append(
                {
                    "label": set(labels),
                    "language": {normalize_language(record.get("language")) or NO_LANGUAGE},
                    "difficulty": {facets.difficulty},
                    "kind": set(facets.kinds),
                    "repo": {record["repo"]},
                    "source": {record.get("source", "github")},
                }
            )
    return expected


def expected_counts(
    records: list[dict[str, Any]], selection: dict[str, list[str]]
) -> tuple[int, dict[str, Counter]]:
    """Total hits and per-facet counts, each facet ignoring its own selection."""

    def matches(record: dict[str, Any], skip: str | None) -> bool:
        return all(
            record[name] & set(values)
            for name, values in selection.items()
            if name != skip and values
        )

    total = sum(1 for record in records if matches(record, None))
    facets = {}
    for name in FACETS:
        counter: Counter = Counter()
        for record in records:
            if matches(record, name):
                counter.update(record[name])
        facets[name] = counter
    return total, facets


def pick_selections(records: list[dict[str, Any]]) -> list[dict[str, list[str]]]:
    """Five filter combinations built from the most common values in the data."""

    def top(name: str, count: int) -> list[str]:
        counter: Counter = Counter(value for record in records for value in record[name])
        return [value for value, _ in counter.most_common(count)]

    languages = top("language", 3)
    kinds = top("kind", 2)
    labels = top("label", 2)
    return [
        {},
        {"language": languages[:1]},
        {"language": languages[:2], "kind": kinds[:1]},
        {"label": labels[:2], "difficulty": ["beginner"]},
        {"language": [NO_LANGUAGE, *languages[2:3]], "source": ["github"]},
    ]


def compare(
    records: list[dict[str, Any]],
    selection: dict[str, list[str]],
    search: Callable[[dict[str, list[str]]], dict[str, Any]],
) -> list[str]:
    """Return the differences between expected and served counts."""
    total, facets = expected_counts(records, selection)
    served = search(selection)
    problems = []
    if served["total"] != total:
        problems.append(f"{selection}: total {served['total']} != expected {total}")
    for facet in served["facets"]:
        name = facet["name"]
        if name not in facets:
            continue
        got = {value["value"]: value["count"] for value in facet["values"]}
        want = facets[name]
        for value, count in got.items():
            if want.get(value, 0) != count:
                problems.append(
                    f"{selection}: facet {name}={value!r} count {count} != expected "
                    f"{want.get(value, 0)}"
                )
        if len(want) <= FACET_SIZE:
            missing = set(want) - set(got)
            if missing:
                problems.append(f"{selection}: facet {name} lacks values {sorted(missing)[:5]}")
    return problems


def check_counts(path: Path) -> bool:
    """Print one line per filter combination; return True when all match."""
    from fastapi.testclient import TestClient

    from search_api.app import create_app

    records = load_expected(path)
    client = TestClient(create_app())

    def search(selection: dict[str, list[str]]) -> dict[str, Any]:
        params = [(name, value) for name, values in selection.items() for value in values]
        response = client.get("/v1/search", params=params + [("size", "1")])
        response.raise_for_status()
        return response.json()

    selections = pick_selections(records)
    failures = 0
    for selection in selections:
        problems = compare(records, selection, search)
        print(f"{'ok' if not problems else 'MISMATCH':8} {selection or 'no filters'}")
        for problem in problems:
            print(f"         {problem}")
        failures += bool(problems)
    print(
        f"{len(selections) - failures} of {len(selections)} filter combinations match "
        f"{path.name} ({len(records)} searchable issues)"
    )
    return failures == 0
