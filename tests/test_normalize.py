"""Tests for label and language normalisation in indexer.normalize."""

import pytest

from indexer.normalize import (
    BEGINNER_SEARCH_LABELS,
    LabelFacets,
    classify_labels,
    label_key,
    normalize_language,
)


def facets(
    difficulty: str = "unknown",
    kinds: tuple[str, ...] = (),
    help_wanted: bool = False,
    events: tuple[str, ...] = (),
) -> LabelFacets:
    return LabelFacets(
        difficulty=difficulty,
        kinds=kinds,
        beginner_friendly=difficulty == "beginner",
        help_wanted=help_wanted,
        events=events,
    )


BEGINNER = facets("beginner")

CLASSIFY_CASES: list[tuple[str, list[str], LabelFacets]] = [
    ("empty", [], facets()),
    ("unrelated", ["wontfix", "priority: low", "P-medium"], facets()),
    # Beginner spellings.
    ("good first issue", ["good first issue"], BEGINNER),
    ("title case", ["Good First Issue"], BEGINNER),
    ("hyphenated", ["good-first-issue"], BEGINNER),
    ("good first bug", ["good first bug"], BEGINNER),
    ("rust E-easy", ["E-easy"], BEGINNER),
    ("difficulty colon", ["difficulty: easy"], BEGINNER),
    ("difficulty slash", ["difficulty/easy"], BEGINNER),
    ("level beginner", ["level: beginner"], BEGINNER),
    ("level slash easy", ["level/easy"], BEGINNER),
    ("first timers only", ["first-timers-only"], BEGINNER),
    ("bare beginner", ["beginner"], BEGINNER),
    ("beginner friendly", ["beginner friendly"], BEGINNER),
    ("bare easy", ["easy"], BEGINNER),
    ("upper case easy", ["EASY"], BEGINNER),
    ("starter", ["starter"], BEGINNER),
    ("newcomer", ["newcomer"], BEGINNER),
    ("low hanging fruit", ["low-hanging-fruit"], BEGINNER),
    ("trivial complexity", ["complexity: trivial"], BEGINNER),
    ("effort with remark", ["effort: easy (an afternoon)"], BEGINNER),
    ("bracketed effort", ["[effort] small"], BEGINNER),
    ("bracketed skill level", ["[skill-level] beginner"], BEGINNER),
    ("level number", ["level 1"], BEGINNER),
    ("level number joined", ["level1"], BEGINNER),
    ("phrase in longer label", ["good first issue for designers"], BEGINNER),
    ("prefixed phrase", ["contribute: good first issue"], BEGINNER),
    # Emoji and shortcode decorations.
    ("leading shortcode", [":beginner: good first issue"], BEGINNER),
    ("trailing shortcode", ["good first issue :+1:"], BEGINNER),
    ("emoji with skin tone", ["👋🏾 good first issue"], BEGINNER),
    ("emoji bug", ["🐛 bug"], facets(kinds=("bug",))),
    ("emoji with selector", ["⚙️ performance"], facets(kinds=("performance",))),
    # GitLab scoped and built-in labels.
    ("gitlab difficulty", ["difficulty::easy"], BEGINNER),
    ("gitlab type", ["type::bug"], facets(kinds=("bug",))),
    ("gitlab workflow", ["workflow::ready"], facets()),
    ("gitlab quick win", ["quick win"], BEGINNER),
    (
        "gitlab seeking",
        ["Seeking community contributions"],
        facets(help_wanted=True),
    ),
    ("gitlab newcomers", ["Newcomers"], BEGINNER),
    ("gitlab beginner", ["Beginner"], BEGINNER),
    # Harder difficulties.
    ("rust E-medium", ["E-medium"], facets("intermediate")),
    ("rust E-hard", ["E-hard"], facets("advanced")),
    ("difficulty medium", ["difficulty: medium"], facets("intermediate")),
    ("difficulty hard", ["difficulty: hard"], facets("advanced")),
    ("level intermediate", ["level: intermediate"], facets("intermediate")),
    ("level advanced", ["level: advanced"], facets("advanced")),
    ("bare medium", ["medium"], facets()),
    ("rust E-mentor", ["E-mentor"], facets()),
    ("mentor and easy", ["E-mentor", "E-easy"], BEGINNER),
    ("mentor and hard", ["E-mentor", "E-hard"], facets("advanced")),
    ("easiest wins", ["difficulty: hard", "good first issue"], BEGINNER),
    # Prefixed kinds.
    ("kind slash", ["kind/bug"], facets(kinds=("bug",))),
    ("type colon", ["type: docs"], facets(kinds=("docs",))),
    ("type slash", ["type/feature"], facets(kinds=("feature",))),
    ("bracketed type", ["[Type] Bug"], facets(kinds=("bug",))),
    ("rust T-doc", ["T-doc"], facets(kinds=("docs",))),
    ("rust C-bug", ["C-bug"], facets(kinds=("bug",))),
    ("rust A-docs", ["A-docs"], facets(kinds=("docs",))),
    ("rust A-parser", ["A-parser"], facets()),
    ("area testing", ["area: testing"], facets(kinds=("tests",))),
    ("enhancement", ["enhancement"], facets(kinds=("feature",))),
    ("translation", ["i18n"], facets(kinds=("translation",))),
    ("question", ["question"], facets(kinds=("question",))),
    ("security", ["security"], facets(kinds=("security",))),
    ("refactor", ["tech-debt"], facets(kinds=("refactor",))),
    ("design", ["design"], facets(kinds=("design",))),
    ("build", ["ci"], facets(kinds=("build",))),
    ("tests", ["unit-tests"], facets(kinds=("tests",))),
    # Help wanted alone never makes an issue a beginner one.
    ("help wanted", ["help wanted"], facets(help_wanted=True)),
    ("help wanted hyphen", ["Help-Wanted"], facets(help_wanted=True)),
    ("status help wanted", ["status: help wanted"], facets(help_wanted=True)),
    ("up for grabs", ["up-for-grabs"], facets(help_wanted=True)),
    ("rust help wanted", ["E-help-wanted"], facets(help_wanted=True)),
    # Events never set a difficulty.
    ("hacktoberfest", ["hacktoberfest"], facets(events=("hacktoberfest",))),
    ("hacktoberfest year", ["Hacktoberfest 2023"], facets(events=("hacktoberfest",))),
    (
        "hacktoberfest accepted",
        ["hacktoberfest-accepted"],
        facets(events=("hacktoberfest",)),
    ),
    ("hacktoberfest joined", ["hacktoberfest2021"], facets(events=("hacktoberfest",))),
    ("gsoc", ["GSoC"], facets(events=("gsoc",))),
    ("gssoc", ["gssoc-24"], facets(events=("gssoc",))),
    ("24 pull requests", ["24-pull-requests"], facets(events=("24-pull-requests",))),
    ("outreachy", ["Outreachy"], facets(events=("outreachy",))),
    (
        "mixed",
        ["good first issue", "help wanted", "hacktoberfest", "bug", "documentation"],
        facets(
            "beginner",
            kinds=("bug", "docs"),
            help_wanted=True,
            events=("hacktoberfest",),
        ),
    ),
    ("two kinds in one label", ["type: docs-bug"], facets(kinds=("docs",))),
    ("duplicate kinds", ["bug", "kind/bug", "🐛 Bug"], facets(kinds=("bug",))),
]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [(labels, expected) for _, labels, expected in CLASSIFY_CASES],
    ids=[name for name, _, _ in CLASSIFY_CASES],
)
def test_classify_labels(labels: list[str], expected: LabelFacets) -> None:
    result = classify_labels(labels)
    assert result.difficulty == expected.difficulty
    assert result.kinds == expected.kinds
    assert result.beginner_friendly == expected.beginner_friendly
    assert result.help_wanted == expected.help_wanted
    assert result.events == expected.events


def test_classify_labels_accepts_generator() -> None:
    result = classify_labels(label for label in ["good first issue"])
    assert result.beginner_friendly


LABEL_KEY_CASES: list[tuple[str, str]] = [
    ("Good First Issue", "good first issue"),
    ("good_first.issue", "good first issue"),
    ("good -- first   issue", "good first issue"),
    (":beginner: good first issue", "good first issue"),
    ("🐛 bug", "bug"),
    ("kind/bug", "bug"),
    ("type::bug", "bug"),
    ("[Type] Bug", "bug"),
    ("E-easy", "difficulty easy"),
    ("level: beginner", "difficulty beginner"),
    ("A-docs", "area docs"),
    ("P-low", "priority low"),
    ("priority: low", "priority low"),
    ("workflow::ready", "workflow ready"),
    ("help-wanted", "help wanted"),
    ("C++", "c++"),
    ("won't fix", "wont fix"),
    ("🎃", ""),
    ("", ""),
]


@pytest.mark.parametrize(("label", "expected"), LABEL_KEY_CASES)
def test_label_key(label: str, expected: str) -> None:
    assert label_key(label) == expected


LANGUAGE_CASES: list[tuple[str | None, str | None]] = [
    (None, None),
    ("", None),
    ("   ", None),
    ("C++", "C++"),
    ("c++", "C++"),
    ("cpp", "C++"),
    ("javascript", "JavaScript"),
    ("JS", "JavaScript"),
    ("typescript", "TypeScript"),
    ("jupyter notebook", "Jupyter Notebook"),
    ("Jupyter-Notebook", "Jupyter Notebook"),
    ("c#", "C#"),
    ("golang", "Go"),
    ("Objective-C", "Objective-C"),
    ("objective c", "Objective-C"),
    ("Python", "Python"),
    ("  Emacs   Lisp ", "Emacs Lisp"),
    ("Made Up  Lang", "Made Up Lang"),
]


@pytest.mark.parametrize(("name", "expected"), LANGUAGE_CASES)
def test_normalize_language(name: str | None, expected: str | None) -> None:
    assert normalize_language(name) == expected


def test_search_labels_unique_casefolded() -> None:
    folded = [label.casefold() for label in BEGINNER_SEARCH_LABELS]
    assert len(folded) == len(set(folded))


def test_search_labels_size() -> None:
    assert 0 < len(BEGINNER_SEARCH_LABELS) <= 60


def test_search_labels_most_common_first() -> None:
    assert BEGINNER_SEARCH_LABELS[0] == "good first issue"


@pytest.mark.parametrize("label", BEGINNER_SEARCH_LABELS)
def test_search_label_is_beginner(label: str) -> None:
    assert classify_labels([label]).beginner_friendly
