"""The error every channel raises for a failed attempt that may be retried."""


class DeliveryFailed(RuntimeError):
    """One attempt to deliver failed; the message says why, without secrets."""
