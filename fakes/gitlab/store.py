"""Projects and issues of the fake GitLab, and the JSON GitLab answers with.

Tests build the data with `GitLabStore.from_records` or the helper methods,
then change it (archive, rename, transfer, delete, close, relabel) while a
refresh runs against the server.
"""

import threading
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

BASE_URL = "https://gitlab.example.com"
DEFAULT_TIME = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def timestamp(moment: datetime | None) -> str | None:
    """GitLab's timestamp format: `2016-01-04T15:31:51.081Z`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not value:
        return DEFAULT_TIME
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def user(username: str, user_id: int) -> dict[str, Any]:
    return {
        "state": "active",
        "id": user_id,
        "web_url": f"{BASE_URL}/{username}",
        "name": username.title(),
        "avatar_url": None,
        "username": username,
    }


@dataclass
class FakeProject:
    id: int
    path_with_namespace: str
    description: str | None = None
    archived: bool = False
    star_count: int = 0
    languages: dict[str, float] = field(default_factory=dict)
    created_at: datetime = DEFAULT_TIME
    last_activity_at: datetime = DEFAULT_TIME
    visibility: str = "public"

    @property
    def path(self) -> str:
        return self.path_with_namespace.rsplit("/", 1)[1]

    @property
    def namespace_path(self) -> str:
        return self.path_with_namespace.rsplit("/", 1)[0]

    @property
    def web_url(self) -> str:
        return f"{BASE_URL}/{self.path_with_namespace}"

    def to_json(self) -> dict[str, Any]:
        namespace = self.namespace_path
        return {
            "id": self.id,
            "description": self.description,
            "name": self.path.replace("-", " ").title(),
            "name_with_namespace": self.path_with_namespace.replace("/", " / "),
            "path": self.path,
            "path_with_namespace": self.path_with_namespace,
            "created_at": timestamp(self.created_at),
            "default_branch": "main",
            "tag_list": [],
            "topics": [],
            "ssh_url_to_repo": f"git@gitlab.example.com:{self.path_with_namespace}.git",
            "http_url_to_repo": f"{self.web_url}.git",
            "web_url": self.web_url,
            "readme_url": f"{self.web_url}/-/blob/main/README.md",
            "avatar_url": None,
            "forks_count": 0,
            "star_count": self.star_count,
            "last_activity_at": timestamp(self.last_activity_at),
            "namespace": {
                "id": zlib.crc32(namespace.encode()) % 100_000,
                "name": namespace.rsplit("/", 1)[-1],
                "path": namespace.rsplit("/", 1)[-1],
                "kind": "group",
                "full_path": namespace,
                "parent_id": None,
                "avatar_url": None,
                "web_url": f"{BASE_URL}/groups/{namespace}",
            },
            "archived": self.archived,
            "visibility": self.visibility,
            "issues_enabled": True,
            "open_issues_count": 0,
        }


@dataclass
class FakeIssue:
    id: int
    iid: int
    project_id: int
    title: str
    description: str = ""
    state: str = "opened"  # or "closed"
    labels: list[str] = field(default_factory=list)
    created_at: datetime = DEFAULT_TIME
    updated_at: datetime = DEFAULT_TIME
    closed_at: datetime | None = None
    confidential: bool = False
    discussion_locked: bool | None = None
    assignees: list[str] = field(default_factory=list)
    author: str = "contributor"
    user_notes_count: int = 0
    issue_type: str = "issue"

    def to_json(self, project: FakeProject) -> dict[str, Any]:
        web_url = f"{project.web_url}/-/issues/{self.iid}"
        assignees = [user(name, 1000 + index) for index, name in enumerate(self.assignees)]
        api = f"{BASE_URL}/api/v4/projects/{project.id}"
        return {
            "id": self.id,
            "iid": self.iid,
            "project_id": self.project_id,
            "title": self.title,
            "description": self.description,
            "state": self.state,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
            "closed_at": timestamp(self.closed_at),
            "closed_by": user("maintainer", 2) if self.state == "closed" else None,
            "labels": list(self.labels),
            "milestone": None,
            "assignees": assignees,
            "author": user(self.author, 1),
            "type": self.issue_type.upper(),
            "assignee": assignees[0] if assignees else None,
            "user_notes_count": self.user_notes_count,
            "merge_requests_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "due_date": None,
            "confidential": self.confidential,
            "discussion_locked": self.discussion_locked,
            "issue_type": self.issue_type,
            "web_url": web_url,
            "time_stats": {
                "time_estimate": 0,
                "total_time_spent": 0,
                "human_time_estimate": None,
                "human_total_time_spent": None,
            },
            "task_completion_status": {"count": 0, "completed_count": 0},
            "has_tasks": False,
            "_links": {
                "self": f"{api}/issues/{self.iid}",
                "notes": f"{api}/issues/{self.iid}/notes",
                "award_emoji": f"{api}/issues/{self.iid}/award_emoji",
                "project": api,
            },
            "references": {
                "short": f"#{self.iid}",
                "relative": f"#{self.iid}",
                "full": f"{project.path_with_namespace}#{self.iid}",
            },
            "moved_to_id": None,
            "subscribed": False,
        }


class GitLabStore:
    """A thread-safe set of projects and issues with GitLab's ids: project and
    issue ids are global, `iid` counts within a project."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.projects: dict[int, FakeProject] = {}
        self.issues: dict[int, FakeIssue] = {}
        self._next_project_id = 101
        self._next_issue_id = 5001

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> "GitLabStore":
        """Records are issues: `project` (full path), `iid`, `title`, and
        optionally `state`, `labels`, `description`, `confidential`,
        `assignees`, `user_notes_count`, `created_at`, `updated_at`,
        `discussion_locked`, `issue_type`, `language`, `project_archived`."""
        store = cls()
        for record in records:
            store.add_issue(**dict(record))
        return store

    # Projects

    def add_project(self, path_with_namespace: str, **fields: Any) -> FakeProject:
        with self._lock:
            existing = self.find_project(path_with_namespace)
            if existing is not None:
                for name, value in fields.items():
                    setattr(existing, name, value)
                return existing
            project = FakeProject(self._next_project_id, path_with_namespace, **fields)
            self._next_project_id += 1
            self.projects[project.id] = project
            return project

    def find_project(self, reference: int | str) -> FakeProject | None:
        """By numeric id or full path; paths compare case-insensitively."""
        with self._lock:
            if isinstance(reference, int) or str(reference).isdigit():
                return self.projects.get(int(reference))
            wanted = str(reference).lower()
            for project in self.projects.values():
                if project.path_with_namespace.lower() == wanted:
                    return project
            return None

    def _project_or_raise(self, reference: int | str) -> FakeProject:
        project = self.find_project(reference)
        if project is None:
            raise KeyError(f"no project {reference!r}")
        return project

    def archive_project(self, reference: int | str, archived: bool = True) -> None:
        with self._lock:
            self._project_or_raise(reference).archived = archived

    def rename_project(self, reference: int | str, new_path_with_namespace: str) -> None:
        """Rename a project or transfer it to another namespace; its id and
        the ids of its issues stay."""
        with self._lock:
            self._project_or_raise(reference).path_with_namespace = new_path_with_namespace

    def delete_project(self, reference: int | str) -> None:
        with self._lock:
            project = self._project_or_raise(reference)
            del self.projects[project.id]
            for issue_id in [i.id for i in self.issues.values() if i.project_id == project.id]:
                del self.issues[issue_id]

    # Issues

    def add_issue(
        self,
        project: int | str,
        title: str,
        iid: int | None = None,
        language: str | None = None,
        project_archived: bool | None = None,
        **fields: Any,
    ) -> FakeIssue:
        with self._lock:
            found = self.find_project(project)
            if found is None:
                found = self.add_project(str(project))
            if language is not None:
                found.languages = {language: 100.0}
            if project_archived is not None:
                found.archived = project_archived
            for name in ("created_at", "updated_at", "closed_at"):
                if name in fields and fields[name] is not None:
                    fields[name] = parse_time(fields[name])
            if "updated_at" not in fields:
                fields["updated_at"] = fields.get("created_at", DEFAULT_TIME)
            if iid is None:
                iid = 1 + max(
                    (i.iid for i in self.issues.values() if i.project_id == found.id),
                    default=0,
                )
            issue = FakeIssue(self._next_issue_id, iid, found.id, title, **fields)
            self._next_issue_id += 1
            self.issues[issue.id] = issue
            return issue

    def find_issue(self, project: int | str, iid: int) -> FakeIssue:
        with self._lock:
            found = self._project_or_raise(project)
            for issue in self.issues.values():
                if issue.project_id == found.id and issue.iid == iid:
                    return issue
            raise KeyError(f"no issue {project}#{iid}")

    def update_issue(self, project: int | str, iid: int, **changes: Any) -> FakeIssue:
        """Change an issue and set its updated_at to now, as GitLab does."""
        with self._lock:
            issue = self.find_issue(project, iid)
            for name, value in changes.items():
                setattr(issue, name, value)
            issue.updated_at = datetime.now(UTC)
            return issue

    def close_issue(self, project: int | str, iid: int) -> FakeIssue:
        return self.update_issue(project, iid, state="closed", closed_at=datetime.now(UTC))

    def remove_issue(self, project: int | str, iid: int) -> None:
        with self._lock:
            del self.issues[self.find_issue(project, iid).id]

    def snapshot(self) -> list[tuple[FakeIssue, FakeProject]]:
        """Every issue with its project, in id order."""
        with self._lock:
            return [
                (issue, self.projects[issue.project_id])
                for issue in sorted(self.issues.values(), key=lambda i: i.id)
                if issue.project_id in self.projects
            ]
