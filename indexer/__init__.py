"""Aggregation: fetch, normalise, store and index issues."""
