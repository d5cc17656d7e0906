"""Opaque cursors for deep paging.

A cursor contains the sort values of the last hit (for `search_after`), the id of
the point-in-time snapshot later pages are read from (empty until the second
page opens it), and the fingerprint of the search it belongs to, so a cursor
cannot be replayed against other filters.
"""

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidParameter

CURSOR_VERSION = 1


@dataclass(frozen=True)
class Cursor:
    fingerprint: str
    search_after: list[Any]
    pit_id: str


def encode_cursor(cursor: Cursor) -> str:
    data = {
        "v": CURSOR_VERSION,
        "fp": cursor.fingerprint,
        "after": cursor.search_after,
        "pit": cursor.pit_id,
    }
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


MAX_SORT_VALUES = 4
# Sort values are scores, epoch milliseconds and document ids; bounds keep
# hand-edited numbers out of Elasticsearch.
MAX_SORT_NUMBER = 2**63 - 1


def _valid_sort_values(after: object) -> bool:
    if not isinstance(after, list) or not 0 < len(after) <= MAX_SORT_VALUES:
        return False
    for value in after:
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            if not math.isfinite(value) or abs(value) > MAX_SORT_NUMBER:
                return False
        elif not isinstance(value, str) or len(value) > 512:
            return False
    return True


def decode_cursor(text: str, fingerprint: str) -> Cursor:
    invalid = InvalidParameter(
        "cursor is invalid; repeat the search without a cursor to start again",
        details={"parameter": "cursor"},
    )
    try:
        padded = text + "=" * (-len(text) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(data, dict) or type(data.get("v")) is not int:
        raise invalid
    if data["v"] != CURSOR_VERSION:
        raise invalid
    after, pit_id = data.get("after"), data.get("pit")
    if not isinstance(pit_id, str) or not _valid_sort_values(after):
        raise invalid
    if data.get("fp") != fingerprint:
        raise InvalidParameter(
            "cursor belongs to a different search; keep the query, filters and sort "
            "of the first page, or drop the cursor",
            details={"parameter": "cursor"},
        )
    return Cursor(fingerprint=fingerprint, search_after=after, pit_id=pit_id)
