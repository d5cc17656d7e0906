"""The benchmark's issue generator, on a small recorded file of its own."""

import json
from collections import defaultdict

from bench.generate_issues import generated_file, iter_records

RECORDED = [
    {"labels": ["good first issue"], "language": "Python", "body": "x" * 60},
    {"labels": ["beginner", "docs"], "language": "Rust", "body": ""},
    {"labels": ["bug"], "language": "Go", "body": "not a beginner issue"},
    {"labels": [], "language": "C", "body": "no labels"},
]


def write_recorded(tmp_path):
    path = tmp_path / "recorded.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in RECORDED))
    return path


def test_generated_records_copy_beginner_issues_only(tmp_path):
    records = list(iter_records(write_recorded(tmp_path), 400))
    assert len(records) == 400
    label_sets = {tuple(record["labels"]) for record in records}
    assert label_sets == {("good first issue",), ("beginner", "docs")}


def test_generated_repositories_have_one_language(tmp_path):
    records = list(iter_records(write_recorded(tmp_path), 400))
    languages = defaultdict(set)
    for record in records:
        languages[record["repo"]].add(record["language"])
    assert len(languages) == 20
    assert all(len(found) == 1 for found in languages.values())


def test_generated_file_is_written_once(tmp_path):
    recorded = write_recorded(tmp_path)
    first = generated_file(tmp_path / "out", recorded, 50)
    assert len(first.read_text().splitlines()) == 50
    first.write_text("kept\n")
    again = generated_file(tmp_path / "out", recorded, 50)
    assert again == first
    assert again.read_text() == "kept\n"


def test_generated_issues_are_created_in_the_past(tmp_path):
    from datetime import date

    from bench.generate_issues import FIRST_DAY, LAST_DAY

    days = {date.fromisoformat(r["created_at"]) for r in iter_records(write_recorded(tmp_path), 2000)}
    assert min(days) >= FIRST_DAY
    assert max(days) <= LAST_DAY
    assert LAST_DAY < date.today()
