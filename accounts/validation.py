"""Normalisation and checks of user-supplied account fields."""

import unicodedata

from email_validator import EmailNotValidError, validate_email

from core.errors import InvalidParameter
from indexer.normalize import normalize_language

MAX_DISPLAY_NAME_LENGTH = 100
MAX_PREFERRED_LANGUAGES = 20
MAX_LANGUAGE_LENGTH = 50
DIFFICULTIES = ("beginner", "intermediate", "advanced")


def normalize_email(email: str) -> str:
    """Return the stored form of an email: syntax-checked, trimmed, lower-cased.

    The local part is lower-cased too. RFC 5321 allows case-sensitive local
    parts, but no mainstream provider uses them, and one spelling per address
    keeps a person from registering twice.
    """
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidParameter(
            f"email is not a valid address: {error}", details={"parameter": "email"}
        ) from None
    return checked.normalized.lower()


def clean_display_name(name: str) -> str:
    """Collapse whitespace; reject empty names and control characters."""
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= MAX_DISPLAY_NAME_LENGTH:
        raise InvalidParameter(
            f"display_name must be 1 to {MAX_DISPLAY_NAME_LENGTH} characters long",
            details={"parameter": "display_name"},
        )
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise InvalidParameter(
            "display_name must not contain control or format characters",
            details={"parameter": "display_name"},
        )
    return cleaned


def clean_languages(languages: list[str]) -> list[str]:
    """Return the languages in the search facet's spelling, duplicates dropped."""
    if len(languages) > MAX_PREFERRED_LANGUAGES:
        raise InvalidParameter(
            f"preferred_languages accepts at most {MAX_PREFERRED_LANGUAGES} languages",
            details={"parameter": "preferred_languages"},
        )
    cleaned: list[str] = []
    for language in languages:
        normalized = normalize_language(language)
        if normalized is None or len(normalized) > MAX_LANGUAGE_LENGTH:
            raise InvalidParameter(
                f"preferred_languages values must be 1 to {MAX_LANGUAGE_LENGTH} "
                "characters long, e.g. Python or TypeScript",
                details={"parameter": "preferred_languages"},
            )
        if normalized not in cleaned:
            cleaned.append(normalized)
    return cleaned


def check_difficulty(difficulty: str | None) -> str | None:
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise InvalidParameter(
            f"preferred_difficulty must be one of {', '.join(DIFFICULTIES)} or null",
            details={
                "parameter": "preferred_difficulty",
                "allowed": list(DIFFICULTIES),
            },
        )
    return difficulty
