"""Tracking: bookmarks and progress of users on aggregated issues."""

# Registers export and erasure of tracking data with the accounts package.
from tracking import personal_data  # noqa: F401
