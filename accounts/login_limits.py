"""Limits on failed logins per account and per client address, counted in Redis.

Each failure increments two counters that expire one window after the first
failure. While either counter is at its maximum, logins get 429 with
Retry-After, whether or not the password would be right. Unknown emails are
counted like known ones, so the limit does not reveal which emails have
accounts.
"""

import hashlib
import ipaddress
import logging

from fastapi import Request

from core.errors import TooManyRequests
from core.redis_client import get_redis
from core.settings import get_settings

logger = logging.getLogger(__name__)

# Keys hold a hash of the email, so Redis stores no email address.
_ACCOUNT_KEY = "auth:login-failures:account:{}"
_ADDRESS_KEY = "auth:login-failures:address:{}"


def client_address(request: Request) -> str:
    """Return the caller's IP address, from X-Real-IP only behind a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    trusted = {value.strip() for value in get_settings().trusted_proxies.split(",")}
    forwarded = request.headers.get("x-real-ip", "").strip()
    if peer in trusted and forwarded:
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            logger.warning("ignored an X-Real-IP header that is not an IP address")
    return peer


def _keys(email: str, address: str) -> tuple[str, str]:
    email_hash = hashlib.sha256(email.encode()).hexdigest()
    return _ACCOUNT_KEY.format(email_hash), _ADDRESS_KEY.format(address)


def check_login_allowed(email: str, address: str) -> None:
    """Raise TooManyRequests while the account or the address is locked out."""
    settings = get_settings()
    account_key, address_key = _keys(email, address)
    redis = get_redis()
    limits = (
        (account_key, settings.login_max_failures_per_account, "account"),
        (address_key, settings.login_max_failures_per_address, "address"),
    )
    for key, maximum, scope in limits:
        failures = int(redis.get(key) or 0)
        if failures >= maximum:
            retry_after = max(int(redis.ttl(key)), 1)
            logger.warning("login locked for this %s for %d s", scope, retry_after)
            raise TooManyRequests(
                f"too many failed logins; try again in {retry_after} seconds",
                retry_after=retry_after,
                details={"retry_after": retry_after},
            )


def record_failure(email: str, address: str) -> None:
    window = get_settings().login_failure_window
    with get_redis().pipeline() as pipe:
        for key in _keys(email, address):
            pipe.incr(key)
            pipe.expire(key, window, nx=True)
        pipe.execute()


def clear_account_failures(email: str) -> None:
    """Forget an account's failures after a successful login.

    The address counter stays, so one address cannot try many accounts by
    signing in to its own between guesses.
    """
    account_key, _ = _keys(email, "")
    get_redis().delete(account_key)
