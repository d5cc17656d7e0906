"""The GitLab source: a REST API v4 client, its parser and the refresh steps."""
