"""Search: the HTTP API over the issue index."""
