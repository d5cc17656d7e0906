"""Parse GitHub issue-search query strings into a matcher.

Supported qualifiers (the subset the indexer sends, plus a few cheap ones):

- `is:issue`, `is:pr`, `type:issue`, `type:pr`, `is:open`, `is:closed`,
  `state:open`, `state:closed`, `is:locked`, `is:unlocked`
- `label:a,"b c"` (comma means OR, several `label:` qualifiers mean AND, label
  names compare case-insensitively and exactly)
- `language:x`, `repo:owner/name`, `user:x`, `org:x` (several of one kind mean OR)
- `archived:true|false`, `no:assignee`, `no:label`, `in:title|body`
- `created:` and `updated:` with `YYYY-MM-DD` or an ISO 8601 timestamp, the
  operators `>`, `>=`, `<`, `<=`, and `A..B` ranges where `*` is an open end
- `sort:created-asc|created-desc|updated-asc|updated-desc|comments-asc|comments-desc`
- a leading `-` negates any supported qualifier, for example `-label:wontfix`

Other words and quoted phrases are free text and must all occur, compared
case-insensitively, in the title or body. GitHub treats an unknown qualifier
such as `foo:bar` as search text, so the fake turns it into a free-text term,
which usually matches nothing, and logs a warning. The boolean operators AND,
OR, NOT and parentheses are not supported and are also treated as text.

Without `is:issue` or `is:pr`, issues and pull requests both match, as in
GitHub's ISSUE search type.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

logger = logging.getLogger(__name__)

SORT_FIELDS = ("created", "updated", "comments")
# GitHub's "Troubleshooting search queries" page: queries longer than 256
# characters are not supported.
MAX_QUERY_LENGTH = 256
QUALIFIER_PATTERN = re.compile(r"^(-?)([A-Za-z_]+):(.*)$", re.DOTALL)
DATE_ONLY_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SearchQueryError(ValueError):
    """An invalid value for a supported qualifier, such as a malformed date."""


@dataclass(frozen=True, slots=True)
class DateRange:
    """A half-open UTC interval `[start, end)`, where None means unbounded."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, moment: datetime) -> bool:
        if self.start is not None and moment < self.start:
            return False
        if self.end is not None and moment >= self.end:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Sort:
    """A sort order, where `field` is None for GitHub's default best-match order."""

    field: str | None = None
    descending: bool = True


@dataclass(frozen=True, slots=True)
class Qualifier:
    """One `name:value` token, with its value split on unquoted commas."""

    name: str
    values: tuple[str, ...]
    negated: bool


@dataclass(slots=True)
class ParsedQuery:
    """A search string split into qualifiers, free-text terms and a sort."""

    qualifiers: list[Qualifier] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    sort: Sort = field(default_factory=Sort)


def tokenize(query: str) -> list[str]:
    """Split on whitespace outside double quotes, keeping the quotes."""
    tokens: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in query:
        if char == '"':
            in_quotes = not in_quotes
            current.append(char)
        elif char.isspace() and not in_quotes:
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def split_values(raw: str) -> tuple[str, ...]:
    """Split a qualifier value on commas outside quotes and strip the quotes."""
    values: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in raw:
        if char == '"':
            in_quotes = not in_quotes
        elif char == "," and not in_quotes:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return tuple(value for value in values if value != "")


def parse_query(query: str) -> ParsedQuery:
    """Parse a search string. When several `sort:` qualifiers appear, the last wins."""
    parsed = ParsedQuery()
    for token in tokenize(query):
        match = QUALIFIER_PATTERN.match(token)
        if match is None:
            term = token.strip('"').strip()
            if term:
                parsed.terms.append(term.lower())
            continue

        negated = match.group(1) == "-"
        name = match.group(2).lower()
        values = split_values(match.group(3))
        if name == "sort" and not negated:
            parsed.sort = parse_sort(values[0] if values else "")
            continue
        if name not in QUALIFIER_BUILDERS:
            log_unknown_qualifier(name)
            parsed.terms.append(token.strip('"').lower())
            continue
        parsed.qualifiers.append(Qualifier(name, values, negated))
    return parsed


_unknown_qualifier_counts: dict[str, int] = {}


def log_unknown_qualifier(name: str) -> None:
    """Log the first use of each unknown qualifier, then every 100th."""
    count = _unknown_qualifier_counts.get(name, 0) + 1
    _unknown_qualifier_counts[name] = count
    if count == 1 or count % 100 == 0:
        logger.warning(
            "unsupported search qualifier %r treated as free text (seen %d times)",
            name,
            count,
        )


def sort_key(sort: Sort) -> Callable[["SearchSubject"], tuple[float, str, int]]:
    """Build a sort key; ties break on (repo, number) so paging is deterministic.

    Best match has no meaning without a text index, so it is approximated by
    newest first, the same as created-desc.
    """
    field_name = sort.field or "created"
    sign = -1.0 if (sort.descending or sort.field is None) else 1.0
    if field_name == "comments":
        return lambda subject: (sign * subject.comments, subject.repo, subject.number)
    if field_name == "updated":
        return lambda subject: (
            sign * subject.updated_at.timestamp(),
            subject.repo,
            subject.number,
        )
    return lambda subject: (
        sign * subject.created_at.timestamp(),
        subject.repo,
        subject.number,
    )


def parse_sort(value: str) -> Sort:
    """Parse `created-desc` and the like, falling back to best match if unknown."""
    field_name, _, direction = value.lower().partition("-")
    if field_name not in SORT_FIELDS or direction not in ("", "asc", "desc"):
        logger.info("unsupported sort %r, using best match", value)
        return Sort()
    return Sort(field=field_name, descending=direction != "asc")


def parse_moment(text: str, *, round_up: bool) -> datetime:
    """Parse a date or timestamp into UTC.

    A bare date stands for its whole UTC day, so `round_up` selects the start of
    the next day, which is what an exclusive upper bound for that day needs.
    """
    if DATE_ONLY_PATTERN.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as error:
            raise SearchQueryError(f"invalid date {text!r}: {error}") from error
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1) if round_up else start
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise SearchQueryError(
            f"invalid date {text!r}: expected YYYY-MM-DD or an ISO 8601 timestamp"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    # A timestamp is an instant, so an inclusive bound on it must include it.
    return moment + timedelta(microseconds=1) if round_up else moment


def parse_date_range(value: str) -> DateRange:
    """Parse `D`, `>D`, `>=D`, `<D`, `<=D` or `A..B` into a UTC interval."""
    if ".." in value:
        low, _, high = value.partition("..")
        start = None if low in ("", "*") else parse_moment(low, round_up=False)
        end = None if high in ("", "*") else parse_moment(high, round_up=True)
        return DateRange(start, end)
    if value.startswith(">="):
        return DateRange(start=parse_moment(value[2:], round_up=False))
    if value.startswith(">"):
        return DateRange(start=parse_moment(value[1:], round_up=True))
    if value.startswith("<="):
        return DateRange(end=parse_moment(value[2:], round_up=True))
    if value.startswith("<"):
        return DateRange(end=parse_moment(value[1:], round_up=False))
    return DateRange(
        parse_moment(value, round_up=False), parse_moment(value, round_up=True)
    )


# records.py builds one SearchSubject per issue, so this module does not depend
# on the record classes.
Matcher = Callable[["SearchSubject"], bool]


@dataclass(frozen=True, slots=True)
class SearchSubject:
    """The fields of one issue or pull request that qualifiers inspect."""

    repo: str
    number: int
    is_pull_request: bool
    is_open: bool
    locked: bool
    label_names: frozenset[str]
    language: str | None
    archived: bool
    has_assignee: bool
    created_at: datetime
    updated_at: datetime
    comments: int
    # Lower-cased once when the record is stored, for free-text matching.
    title_lower: str
    body_lower: str


def build_is(values: tuple[str, ...]) -> Matcher:
    checks: list[Matcher] = []
    for value in values:
        kind = value.lower()
        if kind == "issue":
            checks.append(lambda subject: not subject.is_pull_request)
        elif kind in ("pr", "pull-request"):
            checks.append(lambda subject: subject.is_pull_request)
        elif kind == "open":
            checks.append(lambda subject: subject.is_open)
        elif kind == "closed":
            checks.append(lambda subject: not subject.is_open)
        elif kind == "locked":
            checks.append(lambda subject: subject.locked)
        elif kind == "unlocked":
            checks.append(lambda subject: not subject.locked)
        else:
            raise SearchQueryError(f"unsupported value {value!r} for is:")
    return lambda subject: any(check(subject) for check in checks)


def build_state(values: tuple[str, ...]) -> Matcher:
    for value in values:
        if value.lower() not in ("open", "closed"):
            raise SearchQueryError(f"invalid value {value!r} for state: (open, closed)")
    return build_is(values)


def build_type(values: tuple[str, ...]) -> Matcher:
    return build_is(values)


def build_label(values: tuple[str, ...]) -> Matcher:
    accepted = frozenset(value.lower() for value in values)
    return lambda subject: not accepted.isdisjoint(subject.label_names)


def build_language(values: tuple[str, ...]) -> Matcher:
    accepted = frozenset(value.lower() for value in values)
    return lambda subject: (subject.language or "").lower() in accepted


def build_repo(values: tuple[str, ...]) -> Matcher:
    accepted = frozenset(value.lower() for value in values)
    return lambda subject: subject.repo.lower() in accepted


def build_owner(values: tuple[str, ...]) -> Matcher:
    accepted = frozenset(value.lower() for value in values)
    return lambda subject: subject.repo.split("/", 1)[0].lower() in accepted


def build_archived(values: tuple[str, ...]) -> Matcher:
    if len(values) != 1 or values[0].lower() not in ("true", "false"):
        raise SearchQueryError(f"invalid value {','.join(values)!r} for archived:")
    accepted = values[0].lower() == "true"
    return lambda subject: subject.archived == accepted


def build_no(values: tuple[str, ...]) -> Matcher:
    checks: list[Matcher] = []
    for value in values:
        kind = value.lower()
        if kind == "assignee":
            checks.append(lambda subject: not subject.has_assignee)
        elif kind == "label":
            checks.append(lambda subject: not subject.label_names)
        else:
            raise SearchQueryError(f"unsupported value {value!r} for no:")
    return lambda subject: any(check(subject) for check in checks)


def build_created(values: tuple[str, ...]) -> Matcher:
    date_range = parse_date_range(",".join(values))
    return lambda subject: date_range.contains(subject.created_at)


def build_updated(values: tuple[str, ...]) -> Matcher:
    date_range = parse_date_range(",".join(values))
    return lambda subject: date_range.contains(subject.updated_at)


QUALIFIER_BUILDERS: dict[str, Callable[[tuple[str, ...]], Matcher]] = {
    "is": build_is,
    "state": build_state,
    "type": build_type,
    "label": build_label,
    "language": build_language,
    "repo": build_repo,
    "user": build_owner,
    "org": build_owner,
    "archived": build_archived,
    "no": build_no,
    "created": build_created,
    "updated": build_updated,
    # in: changes where free text is searched, which compile_query handles.
    "in": lambda values: lambda subject: True,
}


@dataclass(frozen=True, slots=True)
class IndexConstraint:
    """A condition that an index of the store resolves exactly.

    `kind` is "label", "repo", "language", "state", "type" or "created". A
    match must have one of `values` (lower-cased label names, repositories or
    languages, or "open"/"closed", or "issue"/"pr"), or for "created" a
    creation time inside `window`.
    """

    kind: str
    values: frozenset[str]
    window: DateRange | None = None


@dataclass(slots=True)
class CompiledQuery:
    """A parsed query split into index constraints and per-record matchers.

    A record matches when it satisfies every constraint and every residual
    matcher. `matches` checks both without indexes, for stores that have none.
    """

    parsed: ParsedQuery
    constraints: list[IndexConstraint]
    constraint_matchers: list[Matcher]
    residual_matchers: list[Matcher]

    @property
    def sort(self) -> Sort:
        return self.parsed.sort

    def matches(self, subject: SearchSubject) -> bool:
        return all(matcher(subject) for matcher in self.constraint_matchers) and all(
            matcher(subject) for matcher in self.residual_matchers
        )

    def matches_residual(self, subject: SearchSubject) -> bool:
        for matcher in self.residual_matchers:
            if not matcher(subject):
                return False
        return True


def build_text_matcher(terms: list[str], fields: set[str]) -> Matcher:
    """Require every lower-case term in one of the chosen fields."""
    in_title = "title" in fields
    in_body = "body" in fields

    def matches_text(subject: SearchSubject) -> bool:
        for term in terms:
            if in_title and term in subject.title_lower:
                continue
            if in_body and term in subject.body_lower:
                continue
            return False
        return True

    return matches_text


def negate(matcher: Matcher) -> Matcher:
    return lambda subject: not matcher(subject)


# Several positive qualifiers of one of these kinds are ORed together, as on
# GitHub (`repo:a/b repo:c/d` searches both repositories).
OR_MERGED_QUALIFIERS = {
    "repo": "repo",
    "language": "language",
    "user": "owner",
    "org": "owner",
}
# Single values of is:, state: and type: that the store indexes.
INDEXED_VALUES = {
    "open": IndexConstraint("state", frozenset({"open"})),
    "closed": IndexConstraint("state", frozenset({"closed"})),
    "issue": IndexConstraint("type", frozenset({"issue"})),
    "pr": IndexConstraint("type", frozenset({"pr"})),
}


def index_constraint(qualifier: Qualifier) -> IndexConstraint | None:
    """Return the index constraint equal to a positive qualifier, if one exists."""
    if qualifier.negated:
        return None
    values = frozenset(value.lower() for value in qualifier.values)
    if qualifier.name == "label":
        return IndexConstraint("label", values)
    if qualifier.name == "created":
        window = parse_date_range(",".join(qualifier.values))
        return IndexConstraint("created", frozenset(), window)
    if qualifier.name in ("is", "state", "type") and len(values) == 1:
        return INDEXED_VALUES.get(next(iter(values)))
    return None


def compile_query(query: str) -> CompiledQuery:
    """Parse `query` and build its constraints and matchers.

    Raises SearchQueryError for a query over 256 characters or an invalid
    value of a supported qualifier.
    """
    if len(query) > MAX_QUERY_LENGTH:
        # NOTE: GitHub's exact error for an overlong query is not known here.
        raise SearchQueryError(
            f"The search query is {len(query)} characters long, but GitHub supports "
            f"at most {MAX_QUERY_LENGTH}."
        )
    parsed = parse_query(query)
    constraints: list[IndexConstraint] = []
    constraint_matchers: list[Matcher] = []
    residual: list[Matcher] = []
    merged_values: dict[str, set[str]] = {}
    text_fields = {"title", "body"}

    for qualifier in parsed.qualifiers:
        if qualifier.name == "in":
            if not qualifier.negated:
                text_fields = {value.lower() for value in qualifier.values}
            continue
        merged_kind = OR_MERGED_QUALIFIERS.get(qualifier.name)
        if merged_kind is not None and not qualifier.negated:
            merged_values.setdefault(merged_kind, set()).update(
                value.lower() for value in qualifier.values
            )
            continue
        matcher = QUALIFIER_BUILDERS[qualifier.name](qualifier.values)
        if qualifier.negated:
            residual.append(negate(matcher))
            continue
        constraint = index_constraint(qualifier)
        if constraint is None:
            residual.append(matcher)
        else:
            constraints.append(constraint)
            constraint_matchers.append(matcher)

    for kind, values in merged_values.items():
        matcher = MERGED_BUILDERS[kind](tuple(values))
        if kind == "owner":
            residual.append(matcher)
        else:
            constraints.append(IndexConstraint(kind, frozenset(values)))
            constraint_matchers.append(matcher)
    if parsed.terms:
        residual.append(build_text_matcher(parsed.terms, text_fields))
    return CompiledQuery(parsed, constraints, constraint_matchers, residual)


MERGED_BUILDERS: dict[str, Callable[[tuple[str, ...]], Matcher]] = {
    "repo": build_repo,
    "language": build_language,
    "owner": build_owner,
}
