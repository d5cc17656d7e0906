"""Errors raised by the GitLab client."""


class GitLabError(RuntimeError):
    """Base class of every error the GitLab client raises."""


class GitLabTransientError(GitLabError):
    """A 5xx answer, a 429, a timeout or a malformed body that did not clear
    within the retry budget; a later attempt may succeed."""


class GitLabAuthError(GitLabError):
    """The instance rejected the token or needs one (HTTP 401 or 403)."""


class GitLabRequestError(GitLabError):
    """GitLab rejected the request (a 4xx other than 401, 403, 404 and 429)."""


class GitLabNotFound(GitLabError):
    """The project or issue does not exist or is not visible (HTTP 404)."""


class GitLabRateLimitExhausted(GitLabError):
    """The rate-limit window resets later than the longest wait the settings
    allow."""

    def __init__(self, message: str, reset_at: float) -> None:
        super().__init__(message)
        self.reset_at = reset_at


# Errors that another attempt of the same job cannot fix.
PERMANENT_ERRORS = (GitLabAuthError, GitLabRequestError, GitLabRateLimitExhausted)
