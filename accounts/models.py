"""Tables of user accounts."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from indexer.models import utc_now


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    # Stored normalised (trimmed, lower-cased), so lookups are exact.
    email: str = Field(max_length=320, unique=True, index=True)
    display_name: str = Field(max_length=100)
    # None for accounts that only sign in with GitHub.
    password_hash: str | None = None
    role: str = Field(default="user", max_length=16)  # "user" or "admin"
    preferred_languages: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(String), nullable=False, default=[])
    )
    preferred_difficulty: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(
        default_factory=utc_now, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class GitHubIdentity(SQLModel, table=True):
    """The GitHub account linked to a user, at most one each way."""

    __tablename__ = "github_identity"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("user_account.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        )
    )
    # GitHub's numeric user id; logins can be renamed, ids cannot.
    github_user_id: int = Field(
        sa_column=Column(BigInteger, nullable=False, unique=True)
    )
    # Kept to match the user's pull requests and issues by author.
    github_login: str = Field(max_length=39)
    # Fernet ciphertext of the OAuth access token (accounts.token_cipher).
    encrypted_token: str
    scope: str = Field(default="", max_length=200)
    linked_at: datetime = Field(
        default_factory=utc_now,
        sa_column=Column(DateTime(timezone=True), nullable=False),
    )
