"""`odyssey digests run`: decide and enqueue the alert digests that are due."""

import argparse
from datetime import datetime, timezone


def parse_moment(value: str) -> datetime:
    """Parse an ISO 8601 moment; one without an offset is taken as UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid --now {value!r}: expected ISO 8601, "
            "e.g. 2025-03-01T08:00:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def cmd_digests_run(args: argparse.Namespace) -> int:
    from alerts.deliveries import resume_stalled_deliveries
    from alerts.digests import run_digests

    summary = run_digests(args.now)
    resumed = resume_stalled_deliveries()
    print(
        f"{summary.searches_due} saved searches due: digests for {summary.users_sent} "
        f"users enqueued ({len(summary.delivery_ids)} deliveries), "
        f"{summary.users_skipped_empty} users had nothing new; "
        f"{resumed} stalled deliveries enqueued again"
    )
    return 0


def add_parser(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    digests = commands.add_parser("digests", help="send daily and weekly alert digests")
    actions = digests.add_subparsers(dest="action", required=True)
    run = actions.add_parser(
        "run", help="enqueue the digests due now; workers send them (`odyssey worker`)"
    )
    run.add_argument(
        "--now",
        type=parse_moment,
        default=None,
        help="act as if it were this ISO 8601 moment (default: the current time)",
    )
    run.set_defaults(handler=cmd_digests_run)
