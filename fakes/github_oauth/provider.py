"""State of the fake GitHub OAuth provider: the app, users, codes and tokens."""

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

CODE_TTL_SECONDS = 600  # GitHub's authorization codes expire after 10 minutes


@dataclass
class FakeUser:
    id: int
    login: str
    name: str | None
    # Each entry as GitHub's GET /user/emails returns it.
    emails: list[dict[str, Any]] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        """Return the body of GET /user, with the fields the fake keeps."""
        return {
            "login": self.login,
            "id": self.id,
            "node_id": f"U_fake{self.id}",
            "avatar_url": f"https://avatars.example.invalid/u/{self.id}",
            "type": "User",
            "site_admin": False,
            "name": self.name,
            "email": None,
        }


@dataclass(frozen=True)
class AuthorizationGrant:
    user_id: int
    redirect_uri: str | None
    scope: str
    code_challenge: str
    expires_at: float


@dataclass(frozen=True)
class IssuedToken:
    user_id: int
    scope: str


def s256(code_verifier: str) -> str:
    """Compute the S256 code challenge of RFC 7636 (unpadded base64url SHA-256)."""
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class FakeOAuthProvider:
    """One registered OAuth app and the GitHub users who can approve it.

    `signed_in_login` is the user who approves on the authorize page, as if
    they were signed in to github.com in the browser. `deny_next` makes the
    next authorization end with `access_denied`.
    """

    def __init__(self, client_id: str, client_secret: str, callback_url: str) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.callback_url = callback_url
        self.users: dict[str, FakeUser] = {}
        self.signed_in_login: str | None = None
        self.deny_next = False
        self._codes: dict[str, AuthorizationGrant] = {}
        self._tokens: dict[str, IssuedToken] = {}
        self._lock = threading.Lock()
        self.issued_tokens: list[str] = []  # every access token, for secrecy checks

    def add_user(
        self,
        login: str,
        *,
        email: str | None,
        name: str | None = None,
        verified: bool = True,
    ) -> FakeUser:
        emails = []
        if email is not None:
            emails.append(
                {
                    "email": email,
                    "primary": True,
                    "verified": verified,
                    "visibility": "private",
                }
            )
        user = FakeUser(len(self.users) + 1001, login, name, emails)
        self.users[login] = user
        return user

    def sign_in(self, login: str) -> None:
        self.signed_in_login = login

    def grant_code(
        self, user: FakeUser, redirect_uri: str | None, scope: str, code_challenge: str
    ) -> str:
        code = secrets.token_hex(10)
        grant = AuthorizationGrant(
            user.id, redirect_uri, scope, code_challenge, time.time() + CODE_TTL_SECONDS
        )
        with self._lock:
            self._codes[code] = grant
        return code

    def take_code(self, code: str) -> AuthorizationGrant | None:
        """Remove and return the grant of a code; codes work once."""
        with self._lock:
            grant = self._codes.pop(code, None)
        if grant is None or grant.expires_at < time.time():
            return None
        return grant

    def issue_token(self, grant: AuthorizationGrant) -> str:
        token = "gho_" + secrets.token_urlsafe(27)
        with self._lock:
            self._tokens[token] = IssuedToken(grant.user_id, grant.scope)
            self.issued_tokens.append(token)
        return token

    def user_of_token(self, token: str) -> tuple[FakeUser, str] | None:
        issued = self._tokens.get(token)
        if issued is None:
            return None
        user = next(user for user in self.users.values() if user.id == issued.user_id)
        return user, issued.scope
