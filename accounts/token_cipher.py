"""Encryption at rest of third-party tokens (Fernet: AES-128-CBC with HMAC-SHA256)."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.errors import ServiceUnavailable
from core.settings import get_settings

KEYS_MISSING = (
    "GitHub sign-in is disabled: set ODYSSEY_TOKEN_ENCRYPTION_KEYS to a Fernet key"
)


def _cipher() -> MultiFernet:
    """Build the cipher from the configured keys; the first key encrypts.

    Older keys after the first still decrypt, so keys can be rotated.
    """
    raw = get_settings().token_encryption_keys or ""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    if not keys:
        raise ServiceUnavailable(KEYS_MISSING)
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ServiceUnavailable(
            "ODYSSEY_TOKEN_ENCRYPTION_KEYS contains a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)"
        ) from None


def check_configured() -> None:
    _cipher()


def encrypt_token(token: str) -> str:
    return _cipher().encrypt(token.encode()).decode()


def decrypt_token(ciphertext: str) -> str:
    """Return the plain token; raises cryptography's InvalidToken for unknown keys."""
    return _cipher().decrypt(ciphertext.encode()).decode()


__all__ = ["InvalidToken", "check_configured", "decrypt_token", "encrypt_token"]
