"""Report how indexer.normalize classifies the labels of a JSONL issue dump.

Usage: python scripts/label_recall.py [ISSUES.jsonl]

Each input line is one issue with a "labels" list of strings and a "language"
string. The path defaults to the demo data path from core.settings. The report
prints facet counts, the beginner recall against a deliberately broad keyword
heuristic, and which beginner spellings BEGINNER_SEARCH_LABELS misses. The exit
status is 1 when any beginner-classified issue has no label spelling in
BEGINNER_SEARCH_LABELS, because the GitHub fetcher would then never find it.
"""

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from indexer.normalize import (
    BEGINNER_SEARCH_LABELS,
    LabelFacets,
    classify_labels,
    normalize_language,
)

Record = dict[str, Any]  # one decoded JSONL line

# Substrings that make a label look beginner-ish. This list is independent of the
# classifier's tables, so the two can check each other.
HEURISTIC_WORDS = (
    "first",
    "easy",
    "beginner",
    "starter",
    "newcomer",
    "newbie",
    "junior",
    "trivial",
    "low hanging",
    "low-hanging",
    "quick win",
    "e-easy",
)


def looks_beginner(label: str) -> bool:
    text = label.casefold()
    return any(word in text for word in HEURISTIC_WORDS)


def is_beginner_label(label: str) -> bool:
    return classify_labels([label]).beginner_friendly


def read_records(path: Path) -> list[Record]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: invalid JSON: {error}") from error
    return records


def labels_of(record: Record) -> list[str]:
    return [label for label in record.get("labels") or [] if isinstance(label, str)]


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "n/a (no records)"
    return f"{part}/{whole} = {100 * part / whole:.1f}%"


def print_counter(title: str, counter: Counter[str]) -> None:
    print(f"\n{title}:")
    for value, count in counter.most_common():
        print(f"  {count:5d}  {value}")


def print_facet_counts(
    records: Sequence[Record], facets: Sequence[LabelFacets]
) -> None:
    difficulties = Counter(facet.difficulty for facet in facets)
    kinds = Counter(kind for facet in facets for kind in facet.kinds)
    events = Counter(event for facet in facets for event in facet.events)
    flags: Counter[str] = Counter()
    for facet in facets:
        flags["beginner_friendly"] += facet.beginner_friendly
        flags["help_wanted"] += facet.help_wanted
        flags["help_wanted without beginner"] += (
            facet.help_wanted and not facet.beginner_friendly
        )
    languages = Counter(
        str(normalize_language(record.get("language"))) for record in records
    )
    print_counter("difficulty", difficulties)
    print_counter("kinds", kinds)
    print_counter("events", events)
    print_counter("flags", flags)
    print_counter("languages (normalised)", languages)


def print_recall(records: Sequence[Record], facets: Sequence[LabelFacets]) -> None:
    flagged = [
        (record, facet)
        for record, facet in zip(records, facets)
        if any(looks_beginner(label) for label in labels_of(record))
    ]
    hits = sum(facet.beginner_friendly for _, facet in flagged)
    recall = percent(hits, len(flagged))
    print(f"\nbeginner recall (heuristic-flagged records): {recall}")

    misses = Counter(
        label
        for record, facet in flagged
        if not facet.beginner_friendly
        for label in labels_of(record)
        if looks_beginner(label)
    )
    print_counter("missed labels (heuristic yes, classifier no)", misses)

    unflagged_beginner = Counter(
        label
        for record in records
        for label in labels_of(record)
        if is_beginner_label(label) and not looks_beginner(label)
    )
    print_counter(
        "possible false positives (classifier yes, heuristic no)", unflagged_beginner
    )


def search_label_coverage(
    records: Sequence[Record], facets: Sequence[LabelFacets]
) -> tuple[int, int, Counter[str]]:
    """Count beginner records with a label spelling in BEGINNER_SEARCH_LABELS.

    Returns the covered count, the beginner count and the uncovered spellings.
    """
    search_spellings = {label.casefold() for label in BEGINNER_SEARCH_LABELS}
    covered = 0
    beginner_records = 0
    uncovered: Counter[str] = Counter()
    for record, facet in zip(records, facets):
        if not facet.beginner_friendly:
            continue
        beginner_records += 1
        spellings = [label for label in labels_of(record) if is_beginner_label(label)]
        if any(label.casefold() in search_spellings for label in spellings):
            covered += 1
        else:
            uncovered.update(spellings)
    return covered, beginner_records, uncovered


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="JSONL file of issues (default: the demo data path from settings)",
    )
    arguments = parser.parse_args(None if argv is None else list(argv))
    path = arguments.path
    if path is None:
        from core.settings import get_settings

        path = get_settings().demo_data_path
    if not path.is_file():
        print(
            f"issue file not found: {path}. "
            "Pass a JSONL path or set ODYSSEY_DEMO_DATA.",
            file=sys.stderr,
        )
        return 2

    records = read_records(path)
    facets = [classify_labels(labels_of(record)) for record in records]
    labelled = sum(1 for record in records if labels_of(record))
    print(f"records: {len(records)}")
    print(f"records with any label: {labelled}")

    print_facet_counts(records, facets)
    print_recall(records, facets)

    covered, beginner_records, uncovered = search_label_coverage(records, facets)
    print(
        "\nbeginner records with a spelling in BEGINNER_SEARCH_LABELS: "
        f"{percent(covered, beginner_records)}"
    )
    print_counter("beginner spellings missing from BEGINNER_SEARCH_LABELS", uncovered)
    return 0 if covered == beginner_records else 1


if __name__ == "__main__":
    sys.exit(main())
