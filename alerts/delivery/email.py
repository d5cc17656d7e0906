"""Alert emails over SMTP, each with a one-click unsubscribe link (RFC 8058)."""

import logging
import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

from alerts.delivery.errors import DeliveryFailed
from alerts.delivery.render import render_text, saved_search_ids
from alerts.models import AlertDelivery
from alerts.unsubscribe import create_token, unsubscribe_url
from core.settings import get_settings

logger = logging.getLogger(__name__)

# RFC 5322 allows 998 characters per line. With the default of 78 the long
# unsubscribe URL would be folded into encoded words, which mail clients do
# not follow as a List-Unsubscribe link.
HEADER_POLICY = policy.default.clone(max_line_length=998)


def build_message(delivery: AlertDelivery, recipient: str) -> EmailMessage:
    settings = get_settings()
    link = unsubscribe_url(
        create_token(delivery.user_id, saved_search_ids(delivery.payload))
    )
    message = EmailMessage(policy=HEADER_POLICY)
    message["From"] = settings.smtp_from_address
    message["To"] = recipient
    message["Subject"] = str(delivery.payload.get("title", "OSS Odyssey alert"))[:200]
    # The same Message-ID on every attempt lets mail systems drop duplicates.
    message["Message-ID"] = make_msgid(idstring=delivery.key, domain="oss-odyssey")
    message["X-Odyssey-Delivery"] = delivery.key
    message["List-Unsubscribe"] = f"<{link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = render_text(delivery.payload)
    message.set_content(f"{text}\n\nStop these emails: {link}\n")
    return message


def send_email(delivery: AlertDelivery, recipient: str) -> None:
    """Send the delivery's email; raise DeliveryFailed when SMTP fails."""
    settings = get_settings()
    if not settings.smtp_host:
        raise DeliveryFailed("email is not configured: set SMTP_HOST")
    message = build_message(delivery, recipient)
    try:
        with _connect() as client:
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(f"SMTP failed: {type(error).__name__}: {error}") from error
    logger.info("delivery %s sent by email", delivery.id)


def _connect() -> smtplib.SMTP:
    settings = get_settings()
    assert settings.smtp_host is not None
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if settings.smtp_tls_mode == "tls":
        client = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=settings.smtp_timeout,
            context=context,
        )
    else:
        client = smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout
        )
    try:
        if settings.smtp_tls_mode == "starttls":
            client.starttls(context=context)
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password or "")
    except BaseException:
        client.close()
        raise
    return client
