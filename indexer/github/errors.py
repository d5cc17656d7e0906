"""Errors raised by the GitHub client."""


class GitHubError(RuntimeError):
    """Base class of every error the GitHub client raises."""


class GitHubTransientError(GitHubError):
    """A 5xx answer, a secondary rate limit, a timeout or a malformed body that
    did not clear within the retry budget; a later attempt may succeed."""


class GitHubAuthError(GitHubError):
    """The token is missing, invalid or lacks access (HTTP 401)."""


class GitHubQueryError(GitHubError):
    """GitHub rejected the GraphQL document or its variables."""


class RateLimitExhausted(GitHubError):
    """The hourly point budget is spent and resets later than the longest
    wait the settings allow."""

    def __init__(self, message: str, reset_at: float) -> None:
        super().__init__(message)
        self.reset_at = reset_at
