"""Generate issue records with the label, language and text-length
distributions of a recorded JSONL file.

Each generated record draws its label set and body length from a random
recorded beginner issue (one whose labels the indexer classifies as
beginner-friendly), and gets invented text and repository names, so no
recorded text is copied. Each repository takes the language of the issue
drawn for its first record. Every generated record is thus one issue that a
refresh finds and makes searchable.
"""

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from indexer.normalize import classify_labels

# Generated records are spread evenly over count / ISSUES_PER_REPOSITORY
# repositories (at least 10).
ISSUES_PER_REPOSITORY = 20
# Creation days are drawn from this range. It is fixed, so that a seed gives
# the same file on any day, and it ends before the first run: the refresh
# never finds an issue created after the day it runs.
FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2026, 11, 30)
# Part of the generated file's name. Change it with the records' contents,
# so that files written by an older generator are not reused.
FORMAT_VERSION = 3

WORDS = (
    "add fix update docs test parser config error message option flag output "
    "install guide example command support handle check improve remove rename "
    "typo link page build script value default file path user input format"
).split()


def generated_file(directory: Path, source: Path, count: int) -> Path:
    """Return the file of `count` generated records in `directory`, writing it
    first if an earlier run has not."""
    target = directory / f"generated-v{FORMAT_VERSION}-{count}.jsonl"
    if not target.exists():
        partial = target.with_suffix(".partial")
        generate(source, partial, count)
        partial.rename(target)
    return target


def generate(source: Path, target: Path, count: int, seed: int = 1) -> Path:
    """Write `count` generated records to `target` as JSONL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w") as handle:
        for record in iter_records(source, count, seed):
            handle.write(json.dumps(record) + "\n")
    return target


def iter_records(source: Path, count: int, seed: int = 1) -> Iterator[dict]:
    """Yield `count` generated records modelled on the records of `source`."""
    rng = random.Random(seed)
    recorded = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    beginner = [
        r for r in recorded if r.get("labels") and classify_labels(r["labels"]).beginner_friendly
    ]
    repos = max(10, count // ISSUES_PER_REPOSITORY)
    languages: dict[int, str | None] = {}
    days = (LAST_DAY - FIRST_DAY).days + 1
    for number in range(1, count + 1):
        model = rng.choice(beginner)
        repo_number = number % repos
        repo = f"gen-org-{repo_number % 97}/gen-repo-{repo_number}"
        # A repository has one language, so its first record sets it.
        language = languages.setdefault(repo_number, model.get("language"))
        body_words = max(0, len(model.get("body") or "") // 6)
        yield {
            "source": "github",
            "repo": repo,
            "number": number,
            "url": f"https://github.com/{repo}/issues/{number}",
            "title": " ".join(rng.choices(WORDS, k=rng.randint(3, 10))).capitalize(),
            "state": "open",
            "labels": model["labels"],
            "language": language,
            "created_at": (FIRST_DAY + timedelta(days=rng.randrange(days))).isoformat(),
            "body": " ".join(rng.choices(WORDS, k=min(body_words, 2000))),
            "comments": rng.randint(0, 20),
        }
