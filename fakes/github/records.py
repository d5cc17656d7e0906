"""Issue records for the fake GitHub: parsing, the live store and node dicts.

A record is one JSON object per line of the data file (see `parse_record` for
the fields). The store keeps records in a dict keyed by `(repo, number)`, with
the repository name lower-cased because GitHub names are case-insensitive, and
turns them into the plain dicts that the GraphQL resolvers return.
"""

import base64
import binascii
import hashlib
import json
import logging
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fakes.github.search_query import (
    CompiledQuery,
    DateRange,
    IndexConstraint,
    SearchSubject,
    Sort,
    compile_query,
    sort_key,
)

logger = logging.getLogger(__name__)

# createdAt is non-null on GitHub, but some records have no creation date. They
# get GitHub's public launch day, 2008-04-10, so that they sort before every
# dated record and still fall inside a search window that starts at 2008-01-01.
FALLBACK_CREATED_AT = datetime(2008, 4, 10, tzinfo=UTC)
# GitHub makes at most this many search results reachable by paging.
SEARCH_RESULT_LIMIT = 1000
# A refresh pages through many search windows at once, one per worker thread,
# and plans with count queries. With fewer entries the pages evict each other.
SEARCH_CACHE_SIZE = 256

RecordKey = tuple[str, int]
Clock = Callable[[], datetime]


class RecordError(ValueError):
    """A record that is missing a required field or has an invalid value."""


class ConnectionArgumentError(ValueError):
    """An invalid `first`, `last`, `after` or `before` argument."""


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """One issue or pull request, normalized from a data-file record.

    `language`, `repo_archived`, `stars` and `repo_description` describe the
    repository. None means the record did not set them, so storing the record
    leaves the repository's current value alone.
    """

    repo: str
    number: int
    url: str
    title: str
    body: str
    state: str
    labels: tuple[Label, ...]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    comments: int = 0
    assignees: tuple[str, ...] = ()
    locked: bool = False
    is_pull_request: bool = False
    source: str = "github"
    language: str | None = None
    repo_archived: bool | None = None
    stars: int | None = None
    repo_description: str | None = None
    # Repository facts: fork count, topic names, SPDX licence id and the time
    # of the last push (the latest issue update when unset).
    forks: int | None = None
    topics: tuple[str, ...] | None = None
    license: str | None = None
    pushed_at: datetime | None = None
    # The repository name the node id was made from; it stays the first name
    # when the repository is renamed or transferred, as GitHub's ids do.
    node_repo: str | None = None

    @property
    def key(self) -> RecordKey:
        return (self.repo.lower(), self.number)

    @property
    def node_id(self) -> str:
        prefix = "PR_" if self.is_pull_request else "I_"
        return encode_node_id(prefix, f"{self.node_repo or self.repo}#{self.number}")


@dataclass(slots=True)
class RepoInfo:
    """Repository attributes gathered from the records that mention it.

    When records disagree on language, stars, description or archiving, the
    record stored last wins.
    `created_at` and `updated_at` are the earliest issue creation and the latest
    issue update seen for the repository, because the data file has no
    repository dates. They never move back when an issue is removed.
    """

    name_with_owner: str
    language: str | None = None
    archived: bool = False
    stars: int = 0
    description: str | None = None
    created_at: datetime = FALLBACK_CREATED_AT
    updated_at: datetime = FALLBACK_CREATED_AT
    forks: int = 0
    topics: tuple[str, ...] = ()
    license: str | None = None
    pushed_at: datetime | None = None
    # Store slots of the repository's records.
    slots: set[int] = field(default_factory=set)
    # The first name, kept through renames and transfers (see IssueRecord).
    node_name: str | None = None

    @property
    def node_id(self) -> str:
        return encode_node_id("R_", self.node_name or self.name_with_owner)


def encode_node_id(prefix: str, text: str) -> str:
    """Build an opaque global id such as `I_` + unpadded URL-safe base64."""
    encoded = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return prefix + encoded


def decode_node_id(node_id: str) -> tuple[str, str] | None:
    """Return `(prefix, text)` for an id made by encode_node_id, else None."""
    prefix, separator, encoded = node_id.partition("_")
    if not separator or not encoded:
        return None
    try:
        padded = encoded + "=" * (-len(encoded) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return prefix + "_", text


def encode_cursor(position: int) -> str:
    """Encode a 1-based position the way GitHub's search cursors do."""
    return base64.b64encode(f"cursor:{position}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
        prefix, _, position = text.partition(":")
        if prefix != "cursor":
            raise ValueError(text)
        return int(position)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ConnectionArgumentError(
            f"`{cursor}` does not appear to be a valid cursor."
        ) from error


def label_color(name: str) -> str:
    """Derive a stable six-digit hex colour from a label name."""
    return hashlib.sha1(name.lower().encode()).hexdigest()[:6]


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: Any, field_name: str) -> datetime | None:
    """Parse `YYYY-MM-DD` (midnight UTC) or an ISO 8601 timestamp into UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(f"{field_name} must be a string or null, got {value!r}")
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise RecordError(f"invalid {field_name} {value!r}: {error}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def parse_labels(value: Any) -> tuple[Label, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RecordError(f"labels must be a list, got {value!r}")
    labels: list[Label] = []
    for item in value:
        if isinstance(item, str):
            labels.append(Label(item, label_color(item)))
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            name = item["name"]
            color = item.get("color") or label_color(name)
            labels.append(
                Label(name, str(color).lstrip("#").lower(), item.get("description"))
            )
        else:
            raise RecordError(
                f"a label must be a string or an object with a name: {item!r}"
            )
    return tuple(labels)


def parse_record(raw: Mapping[str, Any]) -> IssueRecord:
    """Normalize one data-file record.

    Required: `repo` ("owner/name"), `number`, `title`, `state` ("open" or
    "closed"). Optional: `url`, `labels` (strings or {name, color, description}
    objects), `language`, `created_at`, `updated_at`, `closed_at`, `body`,
    `comments`, `assignees` (logins), `locked`, `repo_archived`,
    `is_pull_request`, `stars`, `repo_description`, `source`, `forks`,
    `topics` (names), `license` (an SPDX id), `pushed_at`.
    """
    repo = raw.get("repo")
    if not isinstance(repo, str) or repo.count("/") != 1:
        raise RecordError(f"repo must be 'owner/name', got {repo!r}")
    number = raw.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise RecordError(f"number must be a positive integer, got {number!r}")
    state = str(raw.get("state", "")).lower()
    if state not in ("open", "closed"):
        raise RecordError(f"state must be 'open' or 'closed', got {raw.get('state')!r}")

    is_pull_request = bool(raw.get("is_pull_request", False))
    created_at = (
        parse_timestamp(raw.get("created_at"), "created_at") or FALLBACK_CREATED_AT
    )
    closed_at = parse_timestamp(raw.get("closed_at"), "closed_at")
    updated_at = parse_timestamp(raw.get("updated_at"), "updated_at")
    if updated_at is None:
        updated_at = max(created_at, closed_at) if closed_at else created_at
    if state == "closed" and closed_at is None:
        # GitHub sets closedAt on every closed issue, so use the best known time.
        closed_at = updated_at
    if state == "open":
        closed_at = None

    kind = "pull" if is_pull_request else "issues"
    url = raw.get("url") or f"https://github.com/{repo}/{kind}/{number}"
    stars = raw.get("stars")
    archived = raw.get("repo_archived")
    return IssueRecord(
        repo=repo,
        number=number,
        url=str(url),
        title=str(raw.get("title") or ""),
        body=str(raw.get("body") or ""),
        state=state,
        labels=parse_labels(raw.get("labels")),
        created_at=created_at,
        updated_at=updated_at,
        closed_at=closed_at,
        comments=int(raw.get("comments") or 0),
        assignees=tuple(str(login) for login in raw.get("assignees") or ()),
        locked=bool(raw.get("locked", False)),
        is_pull_request=is_pull_request,
        source=str(raw.get("source") or "github"),
        language=raw.get("language"),
        repo_archived=None if archived is None else bool(archived),
        stars=None if stars is None else int(stars),
        repo_description=raw.get("repo_description"),
        forks=None if raw.get("forks") is None else int(raw["forks"]),
        topics=None if raw.get("topics") is None else tuple(map(str, raw["topics"])),
        license=raw.get("license"),
        pushed_at=parse_timestamp(raw.get("pushed_at"), "pushed_at"),
    )


def load_records(path: Path) -> Iterator[IssueRecord]:
    """Yield the records of a JSONL file, raising RecordError that names the line."""
    with path.open(encoding="utf-8") as lines:
        for line_number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield parse_record(json.loads(line))
            except (json.JSONDecodeError, RecordError) as error:
                raise RecordError(f"{path}:{line_number}: {error}") from error


@dataclass(frozen=True, slots=True)
class SearchResult:
    """All matches of one search, sorted, of which GitHub exposes the first 1,000."""

    total_count: int
    records: tuple[IssueRecord, ...]

    @property
    def reachable(self) -> tuple[IssueRecord, ...]:
        return self.records[:SEARCH_RESULT_LIMIT]


class IssueStore:
    """A thread-safe, mutable set of issue records with search indexes.

    Each record lives in an integer slot, and the indexes (by label, state,
    type and repository) are sets of slots, because ints hash faster than
    `(repo, number)` tuples in the intersections each search runs. Every change
    bumps `version` and clears the search cache. Changes made through the helper
    methods also set the issue's `updated_at` to the store clock, because GitHub
    updates updatedAt whenever an issue is closed, assigned or relabeled.
    """

    def __init__(
        self, records: Iterable[IssueRecord] = (), *, clock: Clock | None = None
    ):
        self._lock = threading.RLock()
        self._clock: Clock = clock or (lambda: datetime.now(UTC).replace(microsecond=0))
        self._slot_of: dict[RecordKey, int] = {}
        self._records: list[IssueRecord | None] = []
        self._subjects: list[SearchSubject | None] = []
        self._free_slots: list[int] = []
        self._repos: dict[str, RepoInfo] = {}
        self._by_label: dict[str, set[int]] = {}
        self._by_state: dict[str, set[int]] = {"open": set(), "closed": set()}
        self._by_type: dict[str, set[int]] = {"issue": set(), "pr": set()}
        self._search_cache: OrderedDict[str, SearchResult] = OrderedDict()
        # Every slot in each sort order, rebuilt after a change when first needed.
        self._orders: dict[Sort, list[int]] = {}
        # Creation times in order, with their slots beside them: `created:`
        # windows are cut from it by bisection instead of checking every record.
        self._created_index: tuple[list[float], list[int]] | None = None
        # Records share equal label-name sets, which saves memory at 100k records.
        self._label_sets: dict[frozenset[str], frozenset[str]] = {}
        # First name (lower-cased) -> current name of renamed repositories.
        self._renamed: dict[str, str] = {}
        self.version = 0
        for record in records:
            self._insert(record)

    @classmethod
    def from_jsonl(cls, path: Path, *, clock: Clock | None = None) -> "IssueStore":
        store = cls(load_records(path), clock=clock)
        logger.info("loaded %d records from %s", len(store), path)
        return store

    def __len__(self) -> int:
        with self._lock:
            return len(self._slot_of)

    def now(self) -> datetime:
        return self._clock()

    # Reading

    def get(self, repo: str, number: int) -> IssueRecord | None:
        with self._lock:
            slot = self._slot_of.get((repo.lower(), number))
            return None if slot is None else self._records[slot]

    def repo_info(self, repo: str) -> RepoInfo | None:
        with self._lock:
            return self._repos.get(repo.lower())

    def records(self) -> list[IssueRecord]:
        with self._lock:
            return [record for record in self._records if record is not None]

    # Changing

    def put(self, record: IssueRecord | Mapping[str, Any]) -> IssueRecord:
        """Add a record, or replace the one with the same repo and number."""
        if not isinstance(record, IssueRecord):
            record = parse_record(record)
        with self._lock:
            self._insert(record)
            self._changed()
        return record

    def put_many(self, records: Iterable[IssueRecord | Mapping[str, Any]]) -> int:
        parsed = [
            record if isinstance(record, IssueRecord) else parse_record(record)
            for record in records
        ]
        with self._lock:
            for record in parsed:
                self._insert(record)
            self._changed()
        return len(parsed)

    def remove(self, repo: str, number: int) -> bool:
        with self._lock:
            slot = self._slot_of.pop((repo.lower(), number), None)
            if slot is None:
                return False
            self._unindex(slot)
            self._records[slot] = None
            self._free_slots.append(slot)
            self._changed()
            return True

    def close_issue(
        self, repo: str, number: int, *, at: datetime | None = None
    ) -> IssueRecord:
        moment = at or self.now()
        return self._update(
            repo, number, state="closed", closed_at=moment, updated_at=moment
        )

    def reopen_issue(self, repo: str, number: int) -> IssueRecord:
        return self._update(repo, number, state="open", closed_at=None)

    def assign(self, repo: str, number: int, logins: Sequence[str]) -> IssueRecord:
        """Replace the assignees, so an empty sequence unassigns everyone."""
        return self._update(repo, number, assignees=tuple(logins))

    def relabel(
        self, repo: str, number: int, labels: Sequence[str | Mapping[str, Any]]
    ) -> IssueRecord:
        """Replace the labels with names or {name, color, description} objects."""
        return self._update(repo, number, labels=parse_labels(list(labels)))

    def current_name(self, repo: str) -> str:
        """The name a repository has now, following renames and transfers."""
        with self._lock:
            return self._renamed.get(repo.lower(), repo)

    def rename_repo(self, repo: str, new_name: str) -> None:
        """Rename a repository or transfer it to another owner ("owner/name").
        Node ids of the repository and its issues stay; names and URLs change."""
        with self._lock:
            info = self._repos.get(repo.lower())
            if info is None:
                raise KeyError(f"repository {repo!r} has no records")
            first_name = info.node_name or info.name_with_owner
            records = [self._records[slot] for slot in sorted(info.slots)]
            for record in records:
                if record is not None:
                    self.remove(record.repo, record.number)
            del self._repos[repo.lower()]
            for record in records:
                if record is None:
                    continue
                self._insert(
                    replace(
                        record,
                        repo=new_name,
                        url=record.url.replace(f"/{record.repo}/", f"/{new_name}/"),
                        node_repo=record.node_repo or record.repo,
                    )
                )
            moved = self._repos.setdefault(new_name.lower(), RepoInfo(new_name))
            moved.node_name = first_name
            moved.archived, moved.stars = info.archived, info.stars
            moved.language, moved.description = info.language, info.description
            for slot in moved.slots:
                record = self._records[slot]
                if record is not None:
                    self._subjects[slot] = self._subject(record, moved)
            self._renamed[first_name.lower()] = new_name
            self._changed()

    def delete_repo(self, repo: str) -> None:
        """Delete a repository with all its issues."""
        with self._lock:
            info = self._repos.pop(repo.lower(), None)
            if info is None:
                raise KeyError(f"repository {repo!r} has no records")
            for slot in sorted(info.slots):
                record = self._records[slot]
                if record is not None:
                    self.remove(record.repo, record.number)

    def archive_repo(self, repo: str, archived: bool = True) -> None:
        with self._lock:
            info = self._repos.get(repo.lower())
            if info is None:
                raise KeyError(f"repository {repo!r} has no records")
            info.archived = archived
            for slot in info.slots:
                record = self._records[slot]
                if record is not None:
                    self._subjects[slot] = self._subject(record, info)
            self._changed()

    def _update(self, repo: str, number: int, **changes: Any) -> IssueRecord:
        with self._lock:
            current = self.get(repo, number)
            if current is None:
                raise KeyError(f"no record for {repo}#{number}")
            changes.setdefault("updated_at", self.now())
            updated = replace(current, **changes)
            self._insert(updated)
            self._changed()
            return updated

    def _changed(self) -> None:
        self.version += 1
        self._search_cache.clear()
        self._orders.clear()
        self._created_index = None

    def _insert(self, record: IssueRecord) -> None:
        key = record.key
        slot = self._slot_of.get(key)
        if slot is not None:
            self._unindex(slot)
        elif self._free_slots:
            slot = self._free_slots.pop()
        else:
            slot = len(self._records)
            self._records.append(None)
            self._subjects.append(None)
        self._slot_of[key] = slot
        self._records[slot] = record

        info = self._repos.get(key[0])
        if info is None:
            info = RepoInfo(record.repo, created_at=record.created_at)
            self._repos[key[0]] = info
        self._apply_repo_fields(info, record)
        info.slots.add(slot)
        for label in record.labels:
            self._by_label.setdefault(label.name.lower(), set()).add(slot)
        self._by_state[record.state].add(slot)
        self._by_type["pr" if record.is_pull_request else "issue"].add(slot)
        self._subjects[slot] = self._subject(record, info)

    @staticmethod
    def _apply_repo_fields(info: RepoInfo, record: IssueRecord) -> None:
        if record.language is not None:
            info.language = record.language
        if record.repo_archived is not None:
            info.archived = record.repo_archived
        if record.stars is not None:
            info.stars = record.stars
        if record.repo_description is not None:
            info.description = record.repo_description
        if record.forks is not None:
            info.forks = record.forks
        if record.topics is not None:
            info.topics = record.topics
        if record.license is not None:
            info.license = record.license
        if record.pushed_at is not None:
            info.pushed_at = record.pushed_at
        info.created_at = min(info.created_at, record.created_at)
        info.updated_at = max(info.updated_at, record.updated_at)

    def _unindex(self, slot: int) -> None:
        record = self._records[slot]
        if record is None:
            return
        self._subjects[slot] = None
        self._by_state[record.state].discard(slot)
        self._by_type["pr" if record.is_pull_request else "issue"].discard(slot)
        info = self._repos.get(record.key[0])
        if info is not None:
            info.slots.discard(slot)
        for label in record.labels:
            name = label.name.lower()
            slots = self._by_label.get(name)
            if slots is not None:
                slots.discard(slot)
                if not slots:
                    del self._by_label[name]

    def _subject(self, record: IssueRecord, info: RepoInfo) -> SearchSubject:
        label_names = frozenset(label.name.lower() for label in record.labels)
        label_names = self._label_sets.setdefault(label_names, label_names)
        return SearchSubject(
            repo=record.repo,
            number=record.number,
            is_pull_request=record.is_pull_request,
            is_open=record.state == "open",
            locked=record.locked,
            label_names=label_names,
            language=info.language,
            archived=info.archived,
            has_assignee=bool(record.assignees),
            created_at=record.created_at,
            updated_at=record.updated_at,
            comments=record.comments,
            title_lower=record.title.lower(),
            body_lower=record.body.lower(),
        )

    # Searching

    def search(self, query: str) -> SearchResult:
        """Return every match of a GitHub search string, sorted.

        Index constraints pick the candidates, the residual matchers check each
        candidate, and a cached full ordering avoids sorting large results.
        Raises SearchQueryError for an invalid qualifier value.
        """
        compiled = compile_query(query)
        with self._lock:
            cached = self._search_cache.get(query)
            if cached is not None:
                self._search_cache.move_to_end(query)
                return cached
            candidates = self._candidate_slots(compiled)
            if compiled.residual_matchers:
                subjects = self._subjects
                matches = compiled.matches_residual
                selected: Collection[int] = {
                    slot
                    for slot in candidates
                    if matches(subjects[slot])  # type: ignore[arg-type]
                }
            else:
                selected = candidates
            ordered = self._ordered(selected, compiled.sort)
            records = self._records
            result = SearchResult(
                len(ordered),
                tuple(records[slot] for slot in ordered),  # type: ignore[misc]
            )
            self._search_cache[query] = result
            if len(self._search_cache) > SEARCH_CACHE_SIZE:
                self._search_cache.popitem(last=False)
            return result

    def _candidate_slots(self, compiled: CompiledQuery) -> Collection[int]:
        """Intersect the index sets of all constraints, smallest first.

        A constraint with several values (labels, repositories) matches the
        union of their sets. Only the smallest constraint's union is built,
        and the others are checked by membership. Building the union of the big
        label sets of a million records cost more than the rest of the search.
        """
        parts = [self._constraint_parts(constraint) for constraint in compiled.constraints]
        if not parts:
            return set(self._slot_of.values())
        parts.sort(key=lambda sets: sum(len(one) for one in sets))
        first = parts[0]
        slots: set[int] = first[0] if len(first) == 1 else set().union(*first)
        for sets in parts[1:]:
            if not slots:
                break
            if len(sets) == 1:
                slots = slots & sets[0]
            else:
                slots = {slot for slot in slots if any(slot in one for one in sets)}
        return slots

    def _constraint_parts(self, constraint: IndexConstraint) -> list[set[int]]:
        """Return the index sets whose union is the slots matching `constraint`."""
        if constraint.kind == "label":
            return self._named_sets(self._by_label, constraint.values)
        if constraint.kind == "state":
            return self._named_sets(self._by_state, constraint.values)
        if constraint.kind == "type":
            return self._named_sets(self._by_type, constraint.values)
        if constraint.kind == "repo":
            return self._repo_sets(constraint.values)
        if constraint.kind == "created" and constraint.window is not None:
            return [self._created_within(constraint.window)]
        if constraint.kind == "language":
            repos = [
                name
                for name, info in self._repos.items()
                if (info.language or "").lower() in constraint.values
            ]
            return self._repo_sets(repos)
        raise ValueError(f"unknown index constraint {constraint.kind!r}")

    def _created_within(self, window: DateRange) -> set[int]:
        if self._created_index is None:
            pairs = sorted(
                (subject.created_at.timestamp(), slot)
                for slot, subject in enumerate(self._subjects)
                if subject is not None
            )
            self._created_index = ([moment for moment, _ in pairs], [slot for _, slot in pairs])
        moments, slots = self._created_index
        low = 0 if window.start is None else bisect_left(moments, window.start.timestamp())
        high = len(moments) if window.end is None else bisect_left(moments, window.end.timestamp())
        return set(slots[low:high])

    @staticmethod
    def _named_sets(index: Mapping[str, set[int]], names: Iterable[str]) -> list[set[int]]:
        """The sets of `names` in `index`, which callers must not mutate."""
        return [index[name] for name in names if name in index]

    def _repo_sets(self, repos: Iterable[str]) -> list[set[int]]:
        return [self._repos[name].slots for name in repos if name in self._repos]

    def _ordered(self, slots: Collection[int], sort: Sort) -> list[int]:
        """Order slots by `sort`, filtering the cached full order for large sets."""
        subjects = self._subjects
        key = sort_key(sort)
        if len(slots) < len(self._slot_of) // 8:
            return sorted(slots, key=lambda slot: key(subjects[slot]))  # type: ignore[arg-type]
        order = self._orders.get(sort)
        if order is None:
            order = sorted(
                self._slot_of.values(),
                key=lambda slot: key(subjects[slot]),  # type: ignore[arg-type]
            )
            self._orders[sort] = order
        selected_set = slots if isinstance(slots, (set, frozenset)) else set(slots)
        return [slot for slot in order if slot in selected_set]

    def repository_issues(
        self,
        repo: str,
        *,
        states: Sequence[str] | None = None,
        labels: Sequence[str] | None = None,
        since: datetime | None = None,
        order_field: str = "CREATED_AT",
        descending: bool = False,
    ) -> list[IssueRecord]:
        """List a repository's issues (never pull requests) like Repository.issues.

        `states` contains IssueState names (OPEN, CLOSED). `labels` matches any of
        the names, case-insensitively. `since` keeps issues updated at or after it.
        """
        allowed_states = {state.lower() for state in states} if states else None
        label_filter = {label.lower() for label in labels} if labels else None
        with self._lock:
            info = self._repos.get(repo.lower())
            slots = info.slots if info is not None else set()
            issues = []
            for slot in slots:
                record = self._records[slot]
                if record is None or record.is_pull_request:
                    continue
                if allowed_states is not None and record.state not in allowed_states:
                    continue
                if label_filter is not None and label_filter.isdisjoint(
                    label.name.lower() for label in record.labels
                ):
                    continue
                if since is not None and record.updated_at < since:
                    continue
                issues.append(record)
        issues.sort(key=lambda record: record.number)
        sort_keys: dict[str, Callable[[IssueRecord], Any]] = {
            "CREATED_AT": lambda record: record.created_at,
            "UPDATED_AT": lambda record: record.updated_at,
            "COMMENTS": lambda record: record.comments,
        }
        issues.sort(
            key=sort_keys.get(order_field, sort_keys["CREATED_AT"]), reverse=descending
        )
        return issues


def paginate(
    items: Sequence[Any],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    total_count: int | None = None,
) -> dict[str, Any]:
    """Build a Relay connection dict over `items` with position cursors.

    `items` contains every reachable node, so `totalCount` may be larger (as with
    search, where only 1,000 of the matches are reachable).
    """
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise ConnectionArgumentError(f"`{name}` must be a non-negative integer.")
    start = decode_cursor(after) if after is not None else 0
    end = decode_cursor(before) - 1 if before is not None else len(items)
    start = max(0, min(start, len(items)))
    end = max(start, min(end, len(items)))
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)

    window = items[start:end]
    edges = [
        {"cursor": encode_cursor(start + offset + 1), "node": node}
        for offset, node in enumerate(window)
    ]
    return {
        "totalCount": len(items) if total_count is None else total_count,
        "nodes": list(window),
        "edges": edges,
        "pageInfo": {
            "hasNextPage": end < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


@dataclass(frozen=True, slots=True)
class ListConnection:
    """A connection value whose resolver pages `items` with the field's arguments.

    `total_count` can exceed len(items), for comments that the data file only
    counts.
    """

    items: tuple[Any, ...] = ()
    total_count: int | None = None

    def resolve(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        return paginate(
            self.items,
            first=arguments.get("first"),
            after=arguments.get("after"),
            last=arguments.get("last"),
            before=arguments.get("before"),
            total_count=self.total_count,
        )


# Node dicts. Keys are GraphQL field names, so the default resolver reads them
# directly. A callable value is a field with arguments. `__typename` selects the
# object type wherever the schema returns a union or an interface.


def user_node(login: str) -> dict[str, Any]:
    return {
        "__typename": "User",
        "id": encode_node_id("U_", login),
        "login": login,
        "url": f"https://github.com/{login}",
        "resourcePath": f"/{login}",
    }


def label_node(repo: str, label: Label) -> dict[str, Any]:
    return {
        "__typename": "Label",
        "id": encode_node_id("LA_", f"{repo}:{label.name}"),
        "name": label.name,
        "color": label.color,
        "description": label.description,
        "isDefault": False,
        "url": f"https://github.com/{repo}/labels/{label.name}",
    }


def topic_node(name: str) -> dict[str, Any]:
    """A RepositoryTopic node with its Topic."""
    return {
        "__typename": "RepositoryTopic",
        "id": encode_node_id("RT_", name),
        "url": f"https://github.com/topics/{name}",
        "resourcePath": f"/topics/{name}",
        "topic": {
            "__typename": "Topic",
            "id": encode_node_id("TO_", name),
            "name": name,
            "stargazerCount": 0,
            "viewerHasStarred": False,
        },
    }


def license_node(spdx_id: str) -> dict[str, Any]:
    """A License node; the data file gives only the SPDX id, used as the name too."""
    return {
        "__typename": "License",
        "id": encode_node_id("L_", spdx_id),
        "key": spdx_id.lower(),
        "spdxId": spdx_id,
        "name": spdx_id,
        "nickname": None,
        "url": f"http://choosealicense.com/licenses/{spdx_id.lower()}/",
    }


def repository_node(store: IssueStore, info: RepoInfo) -> dict[str, Any]:
    owner, name = info.name_with_owner.split("/", 1)
    language = None
    if info.language:
        language = {
            "__typename": "Language",
            "id": encode_node_id("LANG_", info.language),
            "name": info.language,
            "color": None,
        }

    def issues(_info: Any, **arguments: Any) -> dict[str, Any]:
        return repository_issues_connection(store, info.name_with_owner, arguments)

    def issue(_info: Any, number: int) -> dict[str, Any] | None:
        record = store.get(info.name_with_owner, number)
        if record is None or record.is_pull_request:
            raise LookupError(
                f"Could not resolve to an Issue with the number of {number}."
            )
        return issue_node(store, record)

    return {
        "__typename": "Repository",
        "id": info.node_id,
        "name": name,
        "nameWithOwner": info.name_with_owner,
        "url": f"https://github.com/{info.name_with_owner}",
        "resourcePath": f"/{info.name_with_owner}",
        "description": info.description,
        "homepageUrl": None,
        "isArchived": info.archived,
        "isPrivate": False,
        "isFork": False,
        "isDisabled": False,
        "isLocked": False,
        "isTemplate": False,
        "hasIssuesEnabled": True,
        "visibility": "PUBLIC",
        "stargazerCount": info.stars,
        "forkCount": info.forks,
        "createdAt": format_timestamp(info.created_at),
        "updatedAt": format_timestamp(info.updated_at),
        "pushedAt": format_timestamp(info.pushed_at or info.updated_at),
        "repositoryTopics": ListConnection(
            tuple(topic_node(name) for name in info.topics)
        ),
        "licenseInfo": license_node(info.license) if info.license else None,
        # NOTE: the data file does not say whether an owner is a user or an
        # organization, so every owner is reported as a User.
        "owner": user_node(owner),
        "primaryLanguage": language,
        "issues": issues,
        "issue": issue,
    }


def issue_node(store: IssueStore, record: IssueRecord) -> dict[str, Any]:
    info = store.repo_info(record.repo) or RepoInfo(record.repo)
    closed = record.state == "closed"
    kind = "pull" if record.is_pull_request else "issues"
    return {
        "__typename": "PullRequest" if record.is_pull_request else "Issue",
        "id": record.node_id,
        "number": record.number,
        "title": record.title,
        "body": record.body,
        "bodyText": record.body,
        "url": record.url,
        "resourcePath": f"/{record.repo}/{kind}/{record.number}",
        "state": "CLOSED" if closed else "OPEN",
        "closed": closed,
        "createdAt": format_timestamp(record.created_at),
        "updatedAt": format_timestamp(record.updated_at),
        "closedAt": format_timestamp(record.closed_at) if record.closed_at else None,
        "lastEditedAt": None,
        "locked": record.locked,
        "author": None,
        "comments": ListConnection((), record.comments),
        "assignees": ListConnection(
            tuple(user_node(login) for login in record.assignees)
        ),
        "labels": ListConnection(
            tuple(label_node(record.repo, label) for label in record.labels)
        ),
        "repository": repository_node(store, info),
        "isDraft": False,
        "merged": False,
        "mergedAt": None,
    }


def repository_issues_connection(
    store: IssueStore, repo: str, arguments: Mapping[str, Any]
) -> dict[str, Any]:
    """Resolve Repository.issues(states, labels, filterBy, orderBy, paging)."""
    filters = arguments.get("filterBy") or {}
    states = arguments.get("states") or filters.get("states")
    labels = arguments.get("labels") or filters.get("labels")
    since_text = filters.get("since")
    since = parse_timestamp(since_text, "since") if since_text else None
    order = arguments.get("orderBy") or {}
    records = store.repository_issues(
        repo,
        states=states,
        labels=labels,
        since=since,
        order_field=order.get("field", "CREATED_AT"),
        descending=order.get("direction") == "DESC",
    )
    nodes = [issue_node(store, record) for record in records]
    return paginate(
        nodes,
        first=arguments.get("first"),
        after=arguments.get("after"),
        last=arguments.get("last"),
        before=arguments.get("before"),
    )


def node_for_id(store: IssueStore, node_id: str) -> dict[str, Any] | None:
    """Return the node dict for a global id, or None when nothing matches."""
    decoded = decode_node_id(node_id)
    if decoded is None:
        return None
    prefix, text = decoded
    if prefix in ("I_", "PR_"):
        repo, _, number_text = text.rpartition("#")
        if not number_text.isdigit():
            return None
        record = store.get(store.current_name(repo), int(number_text))
        if record is None or (prefix == "PR_") != record.is_pull_request:
            return None
        return issue_node(store, record)
    if prefix == "R_":
        info = store.repo_info(store.current_name(text))
        return repository_node(store, info) if info is not None else None
    if prefix == "U_":
        return user_node(text)
    return None
