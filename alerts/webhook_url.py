"""Checks of the webhook URLs that saved searches deliver to."""

import ipaddress
from urllib.parse import urlsplit

from core.errors import InvalidParameter
from core.settings import get_settings

LOOPBACK_HOSTS = ("127.0.0.1", "::1")


def validate_webhook_url(url: str) -> str:
    """Return the URL if alerts may be posted to it; raise InvalidParameter.

    Only https is accepted, except http to 127.0.0.1 or ::1 when
    ALERT_WEBHOOK_ALLOW_LOOPBACK_HTTP is set. Addresses written as IP
    literals must be public unless that setting allows loopback.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError:
        raise _invalid(url, "it is not a valid URL") from None
    if not host:
        raise _invalid(url, "it has no host")
    if parts.username or parts.password:
        raise _invalid(url, "credentials in the URL are not accepted")
    allow_loopback = get_settings().alert_webhook_allow_loopback_http
    if parts.scheme == "http":
        if not (allow_loopback and host in LOOPBACK_HOSTS):
            raise _invalid(url, "webhook URLs must use https")
    elif parts.scheme != "https":
        raise _invalid(url, "webhook URLs must use https")
    _check_address(url, host, allow_loopback)
    return url.strip()


def _check_address(url: str, host: str, allow_loopback: bool) -> None:
    # TODO: host names are not resolved here, so a name that resolves to a
    # private address passes this check.
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" and not allow_loopback:
            raise _invalid(url, "the host must be a public address") from None
        return
    if allow_loopback and host in LOOPBACK_HOSTS:
        return
    if not address.is_global:
        raise _invalid(url, "the host must be a public address")


def _invalid(url: str, reason: str) -> InvalidParameter:
    return InvalidParameter(
        f"invalid webhook_url: {reason}", details={"parameter": "webhook_url"}
    )
