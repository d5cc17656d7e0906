"""Argon2id password hashing and the password policy."""

import logging
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.errors import InvalidParameter

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
# Shorter name parts of an email address are not looked for in passwords.
MIN_EMAIL_NAME_CHECKED = 3
# Argon2 hashes any length, but an upper bound keeps one request cheap.
MAX_PASSWORD_LENGTH = 128

# argon2-cffi's defaults are the RFC 9106 "low memory" profile (Argon2id,
# t=3, m=64 MiB, p=4). Tests wrap `verify` to count verifications.
password_hasher = PasswordHasher()


def check_password_policy(password: str, email: str) -> None:
    """Raise InvalidParameter when the password breaks the policy.

    Length is the rule (NIST SP 800-63B): no character classes are required.
    """
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidParameter(
            f"password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} "
            "characters long; a few unrelated words make a strong one",
            details={"parameter": "password", "min_length": MIN_PASSWORD_LENGTH},
        )
    if len(set(password)) < 4:
        raise InvalidParameter(
            "password must contain at least 4 different characters",
            details={"parameter": "password"},
        )
    name = email.split("@")[0].lower() if email else ""
    # A name of one or two letters is part of too many ordinary words.
    if len(name) >= MIN_EMAIL_NAME_CHECKED and name in password.lower():
        raise InvalidParameter(
            "password must not contain the name part of your email address",
            details={"parameter": "password"},
        )


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether the password matches; a malformed hash counts as no match."""
    try:
        return password_hasher.verify(password_hash, password)
    except VerificationError:
        return False
    except InvalidHashError:
        logger.error("stored password hash is not an Argon2 hash")
        return False


def needs_rehash(password_hash: str) -> bool:
    return password_hasher.check_needs_rehash(password_hash)


@lru_cache
def _dummy_hash() -> str:
    return password_hasher.hash(secrets.token_urlsafe(16))


def verify_dummy(password: str) -> None:
    """Run one Argon2 verification that always fails.

    Logins for unknown emails or accounts without a password call this, so
    they take the same time as a wrong password and do not reveal which
    emails have accounts.
    """
    verify_password(_dummy_hash(), password)
