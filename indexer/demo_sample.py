"""A small generated issue file for the demo where the recorded one is absent.

The records are invented, in the JSONL shape the local GitHub reads, with a
fixed seed so every machine gets the same file.
"""

import json
import random
from pathlib import Path

LANGUAGES = ["Python", "JavaScript", "TypeScript", "Go", "Rust", "Java", "C++", None]
LABEL_SETS = [
    ["good first issue"],
    ["good first issue", "documentation"],
    ["Good First Issue", "bug"],
    ["good-first-issue", "enhancement"],
    ["E-easy", "C-bug"],
    ["difficulty: easy", "type: docs"],
    ["first-timers-only"],
    ["beginner", "tests"],
    ["help wanted"],
    ["hacktoberfest"],
    ["bug"],
    ["E-hard", "performance"],
]
SUBJECTS = ["README", "CLI help text", "error message", "unit tests", "config loader",
            "date parser", "logging output", "install guide", "type hints", "CI workflow"]
VERBS = ["Fix typo in", "Improve", "Add tests for", "Clarify", "Refactor", "Document"]


def generate_sample(path: Path, count: int = 120, seed: int = 7) -> Path:
    rng = random.Random(seed)
    repos = [(f"example-org-{i % 7}/project-{i}", rng.choice(LANGUAGES)) for i in range(25)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        for number in range(1, count + 1):
            repo, language = rng.choice(repos)
            subject = rng.choice(SUBJECTS)
            record = {
                "source": "github",
                "repo": repo,
                "number": number,
                "url": f"https://github.com/{repo}/issues/{number}",
                "title": f"{rng.choice(VERBS)} {subject}",
                "state": "open" if rng.random() < 0.7 else "closed",
                "labels": rng.choice(LABEL_SETS),
                "language": language,
                "created_at": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "body": f"The {subject} needs work. Steps are listed in the contributing guide.",
                "comments": rng.randint(0, 12),
            }
            handle.write(json.dumps(record) + "\n")
    return path
