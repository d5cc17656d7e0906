"""Export and erasure of everything stored about a user, across packages.

Packages that store personal data register an exporter and an eraser at
import time, for example in tracking's models module:

    register_exporter("bookmarks", export_bookmarks)  # (session, user_id) -> JSON data
    register_eraser(erase_bookmarks)                  # (session, user_id) -> None

Erasers run in the transaction that deletes the account, before the user row
goes, so they can delete rows or keep anonymous counts that no longer point to
the user.
"""

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

logger = logging.getLogger(__name__)

Exporter = Callable[[Session, int], Any]
Eraser = Callable[[Session, int], None]

_exporters: dict[str, Exporter] = {}
_erasers: list[Eraser] = []

RESERVED_SECTIONS = frozenset({"account", "github"})


def register_exporter(name: str, exporter: Exporter) -> None:
    """Add the section `name` to every export; a second registration replaces it."""
    if name in RESERVED_SECTIONS:
        raise ValueError(f"export section {name!r} is reserved by the accounts package")
    _exporters[name] = exporter


def register_eraser(eraser: Eraser) -> None:
    if eraser not in _erasers:
        _erasers.append(eraser)


def export_sections(session: Session, user_id: int) -> dict[str, Any]:
    return {name: exporter(session, user_id) for name, exporter in _exporters.items()}


def erase_personal_data(session: Session, user_id: int) -> None:
    for eraser in _erasers:
        eraser(session, user_id)
    logger.info("ran %d erasers for user %d", len(_erasers), user_id)


def unregister(name_or_eraser: str | Eraser) -> None:
    """Remove an exporter by name or an eraser; for tests."""
    if isinstance(name_or_eraser, str):
        _exporters.pop(name_or_eraser, None)
    elif name_or_eraser in _erasers:
        _erasers.remove(name_or_eraser)
