"""GitHub GraphQL source: queries, search windows and the HTTP client."""
