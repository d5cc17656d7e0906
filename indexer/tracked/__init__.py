"""Tracked repositories: GitHub repositories and GitLab projects whose
beginner issues every refresh fetches, next to the global label search."""
