"""Run the fake GitHub OAuth provider on a free 127.0.0.1 port in a thread."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fakes.github.server_thread import serve_app
from fakes.github_oauth.app import create_app
from fakes.github_oauth.provider import FakeOAuthProvider


@dataclass(frozen=True)
class RunningFakeOAuth:
    base_url: str
    provider: FakeOAuthProvider

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/login/oauth/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/login/oauth/access_token"

    @property
    def api_url(self) -> str:
        return self.base_url


@contextmanager
def run_fake_github_oauth(
    client_id: str, client_secret: str, callback_url: str
) -> Iterator[RunningFakeOAuth]:
    """Serve a fake provider with one registered OAuth app for the `with` block."""
    provider = FakeOAuthProvider(client_id, client_secret, callback_url)
    with serve_app(create_app(provider)) as base_url:
        yield RunningFakeOAuth(base_url, provider)
