"""Accounts: the signed-in user, profiles, token pairs and sign-up input."""

from datetime import datetime

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from accounts import schemas
from accounts.models import User as UserRow


@strawberry.type(description="A user account; the email is shown to its owner only.")
class User:
    id: strawberry.ID
    email: str
    display_name: str
    role: str = strawberry.field(description="`user` or `admin`.")
    preferred_languages: list[str]
    preferred_difficulty: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: UserRow) -> "User":
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            display_name=row.display_name,
            role=row.role,
            preferred_languages=list(row.preferred_languages),
            preferred_difficulty=row.preferred_difficulty,
            created_at=row.created_at,
        )


@pydantic_type(model=schemas.GitHubLink, all_fields=True, name="GitHubLink")
class GitHubLink:
    pass


@pydantic_type(model=schemas.Profile, all_fields=True, name="Profile")
class Profile:
    pass


@pydantic_type(model=schemas.TokenPair, all_fields=True, name="TokenPair")
class TokenPair:
    pass


@pydantic_type(model=schemas.RegisterResponse, all_fields=True, name="RegisterPayload")
class RegisterPayload:
    pass


@strawberry.input(description="A new password account.")
class RegisterInput:
    email: str
    password: str
    display_name: str


@strawberry.input(
    description="Profile fields to change; omitted fields keep their value."
)
class ProfileUpdateInput:
    display_name: str | None = strawberry.UNSET
    preferred_languages: list[str] | None = strawberry.UNSET
    preferred_difficulty: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="beginner, intermediate, advanced, or null to clear.",
    )
