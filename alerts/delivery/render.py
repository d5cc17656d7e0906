"""Plain-text rendering of a delivery payload for emails and notifications."""

from typing import Any


def render_text(payload: dict[str, Any]) -> str:
    """Return the payload as text: the manual body, or one block per section."""
    lines: list[str] = []
    if payload.get("body"):
        lines.append(str(payload["body"]))
    for section in payload.get("sections", []):
        if lines:
            lines.append("")
        lines.append(f"Saved search: {section['name']}")
        for issue in section["issues"]:
            lines.append(f"- {issue['repo']}: {issue['title']}")
            lines.append(f"  {issue['url']}")
    return "\n".join(lines)


def saved_search_ids(payload: dict[str, Any]) -> list[int]:
    return [int(section["saved_search_id"]) for section in payload.get("sections", [])]
