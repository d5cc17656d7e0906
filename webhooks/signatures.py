"""Verification of webhook deliveries: GitHub's HMAC signature, GitLab's token."""

import hashlib
import hmac


def github_signature(secret: str, body: bytes) -> str:
    """Compute the `X-Hub-Signature-256` value that GitHub sends for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def github_signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """Compare the header with the expected HMAC-SHA256 in constant time."""
    if not header:
        return False
    return hmac.compare_digest(github_signature(secret, body), header)


def gitlab_token_valid(expected: str, header: str | None) -> bool:
    if not header:
        return False
    return hmac.compare_digest(expected.encode(), header.encode())
