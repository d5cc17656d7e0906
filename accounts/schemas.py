"""Request and response bodies of the account endpoints."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from accounts.passwords import MAX_PASSWORD_LENGTH

# Generous bounds that stop huge bodies before any check; the precise rules
# and their messages are in accounts.validation and accounts.passwords.
_MAX_EMAIL_INPUT = 320
_MAX_TOKEN_INPUT = 200


class RegisterRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "ada@example.org",
                    "password": "correct horse battery staple",
                    "display_name": "Ada",
                }
            ]
        }
    )

    email: str = Field(max_length=_MAX_EMAIL_INPUT)
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    display_name: str = Field(max_length=200)


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"email": "ada@example.org", "password": "correct horse battery staple"}
            ]
        }
    )

    email: str = Field(max_length=_MAX_EMAIL_INPUT)
    password: str = Field(max_length=MAX_PASSWORD_LENGTH)


class RefreshRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"refresh_token": "kD0y...t5w"}]}
    )

    refresh_token: str = Field(min_length=1, max_length=_MAX_TOKEN_INPUT)


class TokenPair(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIs...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "kD0y...t5w",
                    "refresh_expires_in": 2592000,
                }
            ]
        }
    )

    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str = Field(description="Single use: each refresh returns a new one")
    refresh_expires_in: int = Field(description="Seconds until the session ends")


class GitHubLink(BaseModel):
    login: str
    linked_at: datetime


class Profile(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "email": "ada@example.org",
                    "display_name": "Ada",
                    "role": "user",
                    "preferred_languages": ["Python", "Rust"],
                    "preferred_difficulty": "beginner",
                    "has_password": True,
                    "github": {"login": "ada", "linked_at": "2025-01-02T03:04:05Z"},
                    "created_at": "2025-01-01T12:00:00Z",
                }
            ]
        }
    )

    id: int
    email: str
    display_name: str
    role: str
    preferred_languages: list[str]
    preferred_difficulty: str | None
    has_password: bool
    github: GitHubLink | None
    created_at: datetime


class RegisterResponse(BaseModel):
    profile: Profile
    tokens: TokenPair


class ProfileUpdate(BaseModel):
    """Fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "display_name": "Ada L.",
                    "preferred_languages": ["python", "TypeScript"],
                    "preferred_difficulty": "intermediate",
                }
            ]
        },
    )

    display_name: str | None = Field(default=None, max_length=200)
    preferred_languages: list[str] | None = Field(default=None, max_length=100)
    preferred_difficulty: str | None = Field(
        default=None, description="beginner, intermediate, advanced, or null to clear"
    )


class AuthorizationUrl(BaseModel):
    authorization_url: str


class GitHubCallbackResult(BaseModel):
    """Tokens after a GitHub sign-in, or only the link after linking."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action": "signed_in",
                    "github_login": "ada",
                    "tokens": {"...": "..."},
                },
                {"action": "linked", "github_login": "ada", "tokens": None},
            ]
        }
    )

    action: str = Field(description="signed_up, signed_in or linked")
    github_login: str
    tokens: TokenPair | None = None


class GitHubSessionRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "Xq3v...9Tg"}]}
    )

    code: str = Field(
        min_length=1,
        max_length=_MAX_TOKEN_INPUT,
        description="The `code` of the web UI URL the GitHub callback redirected to",
    )


class GitHubBrowserResult(GitHubCallbackResult):
    """The outcome of a GitHub flow that ended in the web UI."""

    next: str = Field(description="The web UI path to open now", examples=["/my-work"])


DataExport = dict[str, Any]
