"""Statuses of tracked issues and the one table of allowed transitions."""

from enum import Enum

from core.errors import InvalidParameter


class TrackingStatus(str, Enum):
    to_do = "to_do"
    in_progress = "in_progress"
    completed = "completed"
    dropped = "dropped"


# Status -> statuses it may change to. `completed` may go back to `in_progress`
# (the pull request was closed unmerged or reverted). `dropped` may be picked up
# again. A completed issue cannot be dropped: its pull request already exists.
TRANSITIONS: dict[TrackingStatus, frozenset[TrackingStatus]] = {
    TrackingStatus.to_do: frozenset(
        {TrackingStatus.in_progress, TrackingStatus.dropped}
    ),
    TrackingStatus.in_progress: frozenset(
        {TrackingStatus.to_do, TrackingStatus.completed, TrackingStatus.dropped}
    ),
    TrackingStatus.completed: frozenset({TrackingStatus.in_progress}),
    TrackingStatus.dropped: frozenset(
        {TrackingStatus.to_do, TrackingStatus.in_progress}
    ),
}

# Statuses a new tracked issue may start in. `completed` needs a pull request
# checked against the issue, so it is reached through an update.
INITIAL_STATUSES = frozenset({TrackingStatus.to_do, TrackingStatus.in_progress})


def check_transition(current: TrackingStatus, target: TrackingStatus) -> None:
    """Raise InvalidParameter unless `current` may change to `target`."""
    if target not in TRANSITIONS[current]:
        allowed = sorted(status.value for status in TRANSITIONS[current])
        raise InvalidParameter(
            f"status cannot change from {current.value} to {target.value}; "
            f"allowed: {', '.join(allowed)}",
            details={"parameter": "status", "allowed": allowed},
        )
