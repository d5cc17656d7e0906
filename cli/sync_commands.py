"""`odyssey scheduler`, `odyssey reindex` and `odyssey dead-letters`."""

import argparse
import logging
import signal
import sys
import threading

logger = logging.getLogger(__name__)


def cmd_scheduler(args: argparse.Namespace) -> int:
    from core.migrations import upgrade_database
    from indexer.scheduler import Scheduler

    upgrade_database()
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    Scheduler().run(stop)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from indexer.rebuild import rebuild_index
    from indexer.write_lock import RebuildRunning

    try:
        count = rebuild_index()
    except RebuildRunning as error:
        print(f"odyssey: {error}", file=sys.stderr)
        return 1
    print(f"reindexed {count} issues into a new index and moved the alias to it")
    return 0


def cmd_dead_letters(args: argparse.Namespace) -> int:
    from core import dead_letters

    if args.action == "list":
        letters = dead_letters.list_dead_letters(args.queue, limit=args.limit)
        for letter in letters:
            print(
                f"{letter.message_id}  {letter.dead_lettered_at:%Y-%m-%d %H:%M:%S}  "
                f"{letter.actor_name}  retries={letter.retries}  {letter.error or ''}"
            )
        print(f"{len(letters)} dead-lettered messages in queue {args.queue}")
        return 0
    if args.all:
        replayed = dead_letters.replay_all(args.queue)
    elif args.message_ids:
        replayed = dead_letters.replay(args.message_ids, args.queue)
    else:
        raise SystemExit("odyssey dead-letters replay needs message ids or --all")
    print(f"replayed {len(replayed)} messages")
    return 0 if args.all or len(replayed) == len(args.message_ids) else 1


def add_parsers(commands: argparse._SubParsersAction) -> None:
    scheduler = commands.add_parser(
        "scheduler", help="enqueue each source's refresh at its interval (ODYSSEY_REFRESH_INTERVALS)"
    )
    scheduler.set_defaults(handler=cmd_scheduler)

    reindex = commands.add_parser(
        "reindex",
        help="build a new index from PostgreSQL, check its document count and swap the alias",
    )
    reindex.set_defaults(handler=cmd_reindex)

    dead = commands.add_parser(
        "dead-letters", help="list or replay messages whose retries ran out"
    )
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("message_ids", nargs="*", help="ids to replay (from `list`)")
    dead.add_argument("--all", action="store_true", help="replay every dead letter")
    dead.add_argument("--queue", default="default", help="Dramatiq queue name")
    dead.add_argument("--limit", type=int, default=100, help="messages to list")
    dead.set_defaults(handler=cmd_dead_letters)
