"""Checks that a pull-request or merge-request URL belongs to a tracked issue.

A pull request from a fork is opened against the upstream repository, so its
URL carries the upstream owner and name. The check therefore requires:

- GitHub: the issue's host and `/<owner>/<repo>/pull/<number>` of the issue's
  repository (case-insensitive);
- GitLab: the issue's host and `/<project path>/-/merge_requests/<number>` of
  the issue's project;
- any other source: the issue's host.

Nothing is fetched, so the pull request is not checked to exist or be merged.
"""

import re
from urllib.parse import urlsplit

from core.errors import InvalidParameter

MAX_URL_LENGTH = 500
GITHUB_PULL_PATH = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/pull/\d+/?$")
GITHUB_ISSUE_PATH = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/issues/\d+/?$")
GITLAB_MERGE_PATH = re.compile(r"^/(?P<project>.+)/-/merge_requests/\d+/?$")
GITLAB_ISSUE_PATH = re.compile(r"^/(?P<project>.+)/-/(issues|work_items)/\d+/?$")


def _invalid(message: str) -> InvalidParameter:
    return InvalidParameter(message, details={"parameter": "pr_url"})


def check_pull_request_url(pr_url: str, issue_url: str, source: str) -> str:
    """Return the normalised `pr_url`, or raise InvalidParameter when it does
    not point to a pull request of the issue's repository."""
    pr_url = pr_url.strip()
    if len(pr_url) > MAX_URL_LENGTH:
        raise _invalid(f"pr_url is longer than {MAX_URL_LENGTH} characters")
    pull = urlsplit(pr_url)
    issue = urlsplit(issue_url)
    if pull.scheme != "https" or not pull.hostname:
        raise _invalid("pr_url must be an https URL of a pull or merge request")
    if pull.hostname.lower() != (issue.hostname or "").lower():
        raise _invalid(
            f"pr_url must be on {issue.hostname}, the host of the issue, "
            f"not on {pull.hostname}"
        )
    if source == "github":
        _check_same_repository(
            pull.path, issue.path, GITHUB_PULL_PATH, GITHUB_ISSUE_PATH
        )
    elif source == "gitlab":
        _check_same_repository(
            pull.path, issue.path, GITLAB_MERGE_PATH, GITLAB_ISSUE_PATH
        )
    return pr_url


def _check_same_repository(
    pull_path: str, issue_path: str, pull_pattern: re.Pattern, issue_pattern: re.Pattern
) -> None:
    pull_match = pull_pattern.match(pull_path)
    issue_match = issue_pattern.match(issue_path)
    if pull_match is None:
        raise _invalid(
            "pr_url is not a pull or merge request URL, e.g. "
            "https://github.com/OWNER/REPO/pull/123"
        )
    if issue_match is None:
        # Without a recognisable issue path only the host can be compared.
        return
    pull_repository = pull_match.group(1).lower()
    issue_repository = issue_match.group(1).lower()
    if pull_repository != issue_repository:
        raise _invalid(
            f"pr_url must be a pull request of {issue_match.group(1)}, "
            f"the repository of the issue"
        )
