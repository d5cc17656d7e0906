"""Map raw issue labels and repository languages to search facets.

Projects spell the same label many ways ("good first issue", "E-easy",
"difficulty::easy", ":beginner: good first issue", "kind/bug"). `label_key`
reduces a label to one comparison key, and the tables below map keys to facets,
so supporting a new spelling takes one table line.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

BEGINNER = "beginner"
INTERMEDIATE = "intermediate"
ADVANCED = "advanced"
UNKNOWN = "unknown"

# When an issue carries several difficulty labels, the easiest one wins, because a
# beginner label is the maintainers' explicit invitation to newcomers.
_DIFFICULTY_ORDER = (BEGINNER, INTERMEDIATE, ADVANCED)


@dataclass(frozen=True)
class LabelFacets:
    """Search facets derived from one issue's labels."""

    difficulty: str  # "beginner" | "intermediate" | "advanced" | "unknown"
    kinds: tuple[str, ...]  # sorted and unique, values of KIND_KEYS
    beginner_friendly: bool
    help_wanted: bool
    events: tuple[str, ...]  # sorted and unique, values of EVENT_PATTERNS


# ---------------------------------------------------------------------------
# Label keys
# ---------------------------------------------------------------------------

# Known label prefixes, matched on the text before "::", ":", "/", "-" or ".".
# An empty value drops the prefix because it only names the label's category
# ("type: bug" means "bug"). Other values rewrite the prefix to one canonical
# word, because the value alone would mean something else: "priority: low" must
# not read as "low" effort. Unknown prefixes stay in the key unchanged.
PREFIX_ALIASES: dict[str, str] = {
    "kind": "",
    "type": "",
    # "T: feat", "T-doc". rust-lang's T- names a team, and only a docs team
    # name such as "T-doc" matches a facet.
    "t": "",
    # In rust-lang, C- names the category ("C-bug"). Servo's C- names a
    # condition ("C-assigned"), and no condition is a facet value either.
    "c": "",
    "category": "",
    "status": "",
    "stat": "",
    "issue": "",
    "contribute": "",
    "difficulty": "difficulty",
    "e": "difficulty",  # rust-lang's E- is the experience needed, as in "E-easy"
    "level": "difficulty",
    "skill": "difficulty",
    "skill level": "difficulty",
    "complexity": "difficulty",
    "effort": "difficulty",
    # rust-lang's A- names an area. Only some areas are kinds, see _AREA_KINDS.
    "a": "area",
    "area": "area",
    "affects": "area",
    "comp": "area",
    "component": "area",
    "scope": "area",
    "topic": "area",
    "p": "priority",
    "priority": "priority",
}

# Tried in this order, so "skill-level: beginner" splits at ":" and not at "-".
_PREFIX_SEPARATORS = ("::", ":", "/", "-", ".")

_SHORTCODE = re.compile(r"(?:^|\s):[a-z0-9_+\-]+:(?=\s|$)")  # ":beginner:"
_REMARK = re.compile(r"(?<=\S)\s*\([^)]*\)")  # "effort: easy (hour)"
_BRACKETED_PREFIX = re.compile(r"^\[([^\]]+)\]\s*")  # "[Type] Bug"
_SEPARATOR_RUN = re.compile(r"[\s\-_./:]+")
_VARIATION_SELECTORS = range(0xFE00, 0xFE10)

# "+" and "#" carry meaning in labels such as "c++" and "c#".
_KEPT_PUNCTUATION = frozenset("+#")


def _strip_decorations(label: str) -> str:
    """Casefold a label and drop emoji, shortcodes and parenthesised remarks."""
    text = unicodedata.normalize("NFKC", label).casefold()
    text = _SHORTCODE.sub(" ", text)
    text = _REMARK.sub("", text)
    text = _BRACKETED_PREFIX.sub(r"\1: ", text.strip())
    chars = []
    for char in text:
        category = unicodedata.category(char)
        # So and Sk cover emoji and skin-tone modifiers, Cf covers zero-width joiners.
        if category in ("So", "Sk", "Cf", "Co", "Cs"):
            continue
        if ord(char) in _VARIATION_SELECTORS:
            continue
        chars.append(char)
    return "".join(chars).strip()


def _words(text: str) -> str:
    """Collapse separators to single spaces and drop the remaining punctuation."""
    spaced = _SEPARATOR_RUN.sub(" ", text)
    chars = [
        char
        for char in spaced
        if not unicodedata.category(char).startswith("P") or char in _KEPT_PUNCTUATION
    ]
    return " ".join("".join(chars).split())


def _split_prefix(text: str) -> tuple[str, str]:
    """Split undecorated label text into a canonical prefix and its value."""
    for separator in _PREFIX_SEPARATORS:
        head, found, tail = text.partition(separator)
        if not found:
            continue
        prefix = _words(head)
        if prefix in PREFIX_ALIASES:
            return PREFIX_ALIASES[prefix], _words(tail)
    return "", _words(text)


def label_key(label: str) -> str:
    """Reduce a raw label to its comparison key.

    The key is casefolded, without emoji, shortcodes or punctuation, with each run
    of spaces, "-", "_", "." and "/" collapsed to one space, and with a known
    prefix dropped or rewritten by PREFIX_ALIASES: "Kind/Bug" -> "bug",
    "E-easy" -> "difficulty easy", "P-low" -> "priority low".
    """
    prefix, value = _split_prefix(_strip_decorations(label))
    if prefix and value:
        return f"{prefix} {value}"
    return prefix or value


# ---------------------------------------------------------------------------
# Difficulty
# ---------------------------------------------------------------------------

# Keys that name a difficulty alone or after a difficulty prefix, so "easy",
# "E-easy" and "level: easy" all match the "easy" line.
_DIFFICULTY_WORDS: dict[str, str] = {
    "good first issue": BEGINNER,
    "good first issues": BEGINNER,
    "good first bug": BEGINNER,
    "good first pr": BEGINNER,
    "good first contribution": BEGINNER,
    "good first task": BEGINNER,
    "first timers only": BEGINNER,
    "first timer": BEGINNER,
    "first timers": BEGINNER,
    "first time contributor": BEGINNER,
    "first contribution": BEGINNER,
    "first issue": BEGINNER,
    "first pr": BEGINNER,
    "beginner": BEGINNER,
    "beginners": BEGINNER,
    "beginner friendly": BEGINNER,
    "easy": BEGINNER,
    "very easy": BEGINNER,
    "easy fix": BEGINNER,
    "easy pick": BEGINNER,
    "easy task": BEGINNER,
    "starter": BEGINNER,
    "starter issue": BEGINNER,
    "starter task": BEGINNER,
    "newcomer": BEGINNER,
    "newcomers": BEGINNER,
    "newcomer friendly": BEGINNER,
    "newbie": BEGINNER,
    "newbie friendly": BEGINNER,
    "junior": BEGINNER,
    "junior job": BEGINNER,
    "trivial": BEGINNER,
    "low hanging fruit": BEGINNER,
    "entry level": BEGINNER,
    # GitLab marks issues suited to first-time contributors with "quick win".
    "quick win": BEGINNER,
    "quick win first time contributor": BEGINNER,
    "intermediate": INTERMEDIATE,
    "advanced": ADVANCED,
    "hard": ADVANCED,
    "expert": ADVANCED,
    "difficult": ADVANCED,
}

# Values that name a difficulty only after a difficulty prefix: a bare "medium",
# "low" or "2" label is as often a priority or a version.
_PREFIXED_DIFFICULTY_WORDS: dict[str, str] = {
    "low": BEGINNER,
    "small": BEGINNER,
    "1": BEGINNER,
    "medium": INTERMEDIATE,
    "moderate": INTERMEDIATE,
    "2": INTERMEDIATE,
    "high": ADVANCED,
    "3": ADVANCED,
}

DIFFICULTY_KEYS: dict[str, str] = {
    **_DIFFICULTY_WORDS,
    **{
        f"difficulty {word}": level
        for word, level in (_DIFFICULTY_WORDS | _PREFIXED_DIFFICULTY_WORDS).items()
    },
    # Labels with the difficulty word after a space instead of a prefix separator.
    "effort low": BEGINNER,
    "level 1": BEGINNER,
    "level1": BEGINNER,
    "level 2": INTERMEDIATE,
    "level2": INTERMEDIATE,
    "level 3": ADVANCED,
    "level3": ADVANCED,
}

# Beginner phrases inside longer labels, such as "good first issue for devs" or
# "daily starter issue", which no exact key can list in advance.
BEGINNER_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bgood first (issue|bug|pr|contribution|task)s?\b",
        r"\bfirst timers? only\b",
        r"\bstarter (issue|task)s?\b",
        r"\b(for|good for) (beginners|newcomers|first timers)\b",
    )
)

# ---------------------------------------------------------------------------
# Kinds, help wanted and events
# ---------------------------------------------------------------------------

KIND_KEYS: dict[str, str] = {
    "bug": "bug",
    "bugs": "bug",
    "bug report": "bug",
    "confirmed bug": "bug",
    "bugfix": "bug",
    "defect": "bug",
    "regression": "bug",
    "crash": "bug",
    "docs": "docs",
    "doc": "docs",
    "documentation": "docs",
    "docs update": "docs",
    "documentation update": "docs",
    "docs bug": "docs",
    "api documentation": "docs",
    "api reference": "docs",
    "readme": "docs",
    "tutorial": "docs",
    "feature": "feature",
    "feat": "feature",
    "features": "feature",
    "feature request": "feature",
    "new feature": "feature",
    "enhancement": "feature",
    "improvement": "feature",
    "tests": "tests",
    "test": "tests",
    "testing": "tests",
    "unittest": "tests",
    "unit tests": "tests",
    "test coverage": "tests",
    "refactor": "refactor",
    "refactoring": "refactor",
    "cleanup": "refactor",
    "clean up": "refactor",
    "code quality": "refactor",
    "code health": "refactor",
    "tech debt": "refactor",
    "technical debt": "refactor",
    "performance": "performance",
    "perf": "performance",
    "optimization": "performance",
    "optimisation": "performance",
    "security": "security",
    "vulnerability": "security",
    "design": "design",
    "needs design": "design",
    "ui ux": "design",
    "ux": "design",
    # Accessibility is its own kind because it cuts across design, docs and code.
    "accessibility": "accessibility",
    "a11y": "accessibility",
    "build": "build",
    "ci": "build",
    "ci cd": "build",
    "infra": "build",
    "infrastructure": "build",
    "devops": "build",
    "packaging": "build",
    "dependencies": "build",
    "translation": "translation",
    "translations": "translation",
    "i18n": "translation",
    "l10n": "translation",
    "localization": "translation",
    "localisation": "translation",
    "internationalization": "translation",
    "question": "question",
    "questions": "question",
}

# Area values that name a kind of work without doubt, so "A-docs" and
# "area: testing" count as that kind. Other areas ("A-parser") are components.
_AREA_KINDS: tuple[str, ...] = (
    "docs",
    "doc",
    "documentation",
    "tests",
    "testing",
    "ci",
    "build",
    "i18n",
    "translation",
    "security",
    "performance",
    "accessibility",
)
KIND_KEYS.update({f"area {value}": KIND_KEYS[value] for value in _AREA_KINDS})

# Labels that ask for outside help without saying the issue is easy.
HELP_WANTED_KEYS: frozenset[str] = frozenset(
    {
        "help wanted",
        "help",
        "needs help",
        "help needed",
        "difficulty help wanted",  # rust-lang's "E-help-wanted"
        "up for grabs",
        "up for the grab",
        "contributions welcome",
        "contribution welcome",
        "pr welcome",
        "prs welcome",
        "pull request welcome",
        "pull requests welcome",
        "accepting prs",
        "accepting pull requests",
        # GitLab's labels for issues open to community merge requests.
        "seeking community contributions",
        "seeking community contribution",
        "accepting merge requests",
    }
)

# Contribution events. The patterns have no end anchor, so years and suffixes
# ("hacktoberfest2022", "gssoc-ext", "GCI Task") still match.
EVENT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), event)
    for pattern, event in (
        (r"^hacktoberfest", "hacktoberfest"),
        (r"^(gsoc|google summer of code)\b", "gsoc"),
        (r"^gssoc", "gssoc"),  # GirlScript Summer of Code, unrelated to GSoC
        (r"^24 ?pull ?requests\b", "24-pull-requests"),
        (r"^outreachy\b", "outreachy"),
        (r"^(gci|google code in)\b", "gci"),
        (r"^swoc\b", "swoc"),  # Social Winter of Code
        (r"\bhackathon\b", "hackathon"),
    )
)


def _difficulty_of(key: str) -> str | None:
    found = DIFFICULTY_KEYS.get(key)
    if found is not None:
        return found
    if key.startswith(("priority ", "area ")):
        return None
    if any(pattern.search(key) for pattern in BEGINNER_PATTERNS):
        return BEGINNER
    return None


def _events_of(key: str) -> list[str]:
    return [event for pattern, event in EVENT_PATTERNS if pattern.search(key)]


def classify_labels(labels: Iterable[str]) -> LabelFacets:
    """Derive difficulty, kinds, help-wanted and event facets from raw labels."""
    difficulties: set[str] = set()
    kinds: set[str] = set()
    events: set[str] = set()
    help_wanted = False
    for label in labels:
        key = label_key(label)
        if not key:
            continue
        difficulty = _difficulty_of(key)
        if difficulty is not None:
            difficulties.add(difficulty)
        kind = KIND_KEYS.get(key)
        if kind is not None:
            kinds.add(kind)
        if key in HELP_WANTED_KEYS:
            help_wanted = True
        events.update(_events_of(key))

    difficulty = next(
        (level for level in _DIFFICULTY_ORDER if level in difficulties), UNKNOWN
    )
    return LabelFacets(
        difficulty=difficulty,
        kinds=tuple(sorted(kinds)),
        beginner_friendly=difficulty == BEGINNER,
        help_wanted=help_wanted,
        events=tuple(sorted(events)),
    )


# ---------------------------------------------------------------------------
# GitHub search
# ---------------------------------------------------------------------------

# Raw spellings for GitHub's `label:` search qualifier, which matches a whole
# label name case-insensitively, so each spelling with different punctuation
# needs its own entry. Most common spellings come first.
BEGINNER_SEARCH_LABELS: tuple[str, ...] = (
    "good first issue",
    "good-first-issue",
    "first-timers-only",
    "beginner friendly",
    "beginner-friendly",
    "beginner",
    "easy",
    "E-easy",
    "difficulty: easy",
    "difficulty/easy",
    "difficulty::easy",
    "level: beginner",
    "level:beginner",
    "Difficulty: beginner",
    "good first bug",
    "good-first-bug",
    "good first contribution",
    "first timers only",
    "first-timer",
    "starter",
    "starter issue",
    "newcomer",
    "newcomers",
    "newbie",
    "junior job",
    "low-hanging-fruit",
    "low hanging fruit",
    "quick win",
    "trivial",
    "complexity: trivial",
    "effort: easy",
    "Effort Low",
    "level/easy",
    "level 1",
    "level1",
    "first PR",
    "level: first-pr",
    "good first issue :+1:",
    "good first issue :beginner:",
    ":beginner: good first issue",
    "good first issue for devs",
    "contribute:good first issue",
    "skill: good first issue",
    "daily starter issue",
    "effort: easy (hour)",
    "[effort] small",
    "[skill-level] beginner",
)

# GitLab's `labels` filter needs every listed label on an issue (AND) and
# compares whole names, so each spelling is its own query. GitLab's own
# spellings come first. "Seeking community contributions" marks help wanted:
# its issues are stored and enter the index only with a beginner label too.
GITLAB_SEARCH_LABELS: tuple[str, ...] = (
    "quick win",
    "quick win::first-time contributor",
    "Seeking community contributions",
    "Newcomers",
    "Beginner",
    "good first issue",
    "Good First Issue",
    "good-first-issue",
    "first-timers-only",
    "beginner",
    "newcomers",
    "easy",
)

# ---------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------

# Display spellings as GitHub's Linguist names them. Matching ignores case,
# spaces, "-" and "_", so each name needs one entry.
_LANGUAGE_NAMES: tuple[str, ...] = (
    "Assembly", "Astro", "C", "C#", "C++", "Clojure", "CMake", "CoffeeScript",
    "Crystal", "CSS", "Dart", "Dockerfile", "Elixir", "Elm", "Emacs Lisp", "Erlang",
    "F#", "Fortran", "GDScript", "Go", "Groovy", "Haskell", "HCL", "HTML", "Java",
    "JavaScript", "Julia", "Jupyter Notebook", "Kotlin", "Less", "Lua", "Luau",
    "Makefile", "Markdown", "MATLAB", "MDX", "Nim", "Nix", "Objective-C",
    "Objective-C++", "OCaml", "Perl", "PHP", "PowerShell", "PureScript", "Python",
    "R", "Ruby", "Rust", "Sass", "Scala", "SCSS", "Shell", "Solidity", "SQL",
    "Svelte", "Swift", "TeX", "TypeScript", "Vala", "Vim Script", "Vue",
    "WebAssembly", "Zig",
)  # fmt: skip

# Common other spellings of the names above.
_LANGUAGE_ALIASES: dict[str, str] = {
    "js": "JavaScript",
    "node": "JavaScript",
    "nodejs": "JavaScript",
    "ts": "TypeScript",
    "py": "Python",
    "python3": "Python",
    "golang": "Go",
    "cpp": "C++",
    "cplusplus": "C++",
    "csharp": "C#",
    "fsharp": "F#",
    "objc": "Objective-C",
    "objectivec": "Objective-C",
    "bash": "Shell",
    "sh": "Shell",
    "zsh": "Shell",
    "jupyter": "Jupyter Notebook",
    "ipynb": "Jupyter Notebook",
    "latex": "TeX",
    "viml": "Vim Script",
    "vimscript": "Vim Script",
    "elisp": "Emacs Lisp",
    "terraform": "HCL",
    "wasm": "WebAssembly",
}


def _language_key(name: str) -> str:
    return re.sub(r"[\s\-_]+", "", name.casefold())


_LANGUAGES_BY_KEY: dict[str, str] = {
    **{_language_key(name): name for name in _LANGUAGE_NAMES},
    **_LANGUAGE_ALIASES,
}


def normalize_language(name: str | None) -> str | None:
    """Return the display spelling of a language name, or None when it is empty.

    Names missing from the table keep their own spelling with whitespace
    collapsed, because GitHub already reports Linguist's display names.
    """
    if name is None:
        return None
    cleaned = " ".join(name.split())
    if not cleaned:
        return None
    return _LANGUAGES_BY_KEY.get(_language_key(cleaned), cleaned)
