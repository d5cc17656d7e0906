"""Command line: `python -m localstack up|down|status|stop NAME|start NAME`."""

import argparse
import logging
import sys

from core.settings import get_settings
from localstack.stack import down, format_status, start, status, stop, up
from localstack.system import StackError

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m localstack",
        description="Manage the local PostgreSQL, Redis and Elasticsearch stack.",
        epilog="Exit codes: 0 success, 1 a step failed, 3 `status` found a service "
        "that is not healthy.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="install what is missing, start, wait for health")
    commands.add_parser("down", help="stop every service")
    commands.add_parser("status", help="print one line per service")
    stop_parser = commands.add_parser("stop", help="stop one service")
    stop_parser.add_argument(
        "name", choices=["postgres", "redis", "elasticsearch"], help="service name"
    )
    start_parser = commands.add_parser(
        "start", help="start one stopped service and wait until it is healthy"
    )
    start_parser.add_argument(
        "name", choices=["postgres", "redis", "elasticsearch"], help="service name"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=get_settings().log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every health-check request at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if args.command == "up":
            print(format_status(up()))
        elif args.command == "down":
            down()
        elif args.command == "stop":
            stop(args.name)
        elif args.command == "start":
            print(format_status([start(args.name)]))
        else:
            statuses = status()
            print(format_status(statuses))
            return 0 if all(entry.healthy for entry in statuses) else 3
    except StackError as error:
        logger.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
