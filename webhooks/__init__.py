"""Webhook receivers for GitHub and GitLab: verify, de-duplicate, enqueue, apply."""
