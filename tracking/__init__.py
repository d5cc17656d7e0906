"""Tracking: bookmarks and progress of users on aggregated issues."""
