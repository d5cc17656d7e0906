"""Saved searches that alert their owners, and the notification service."""

from alerts import personal_data  # noqa: F401  (registers export and erasure)
