"""`odyssey repos list|add|remove`: the tracked repositories and projects."""

import argparse
import sys
from typing import Any


def cmd_repos(args: argparse.Namespace) -> int:
    from core.database import session_scope
    from core.errors import AppError
    from core.migrations import upgrade_database
    from indexer.tracked import service

    upgrade_database()
    try:
        with session_scope() as session:
            if args.action == "add":
                tracked, created = service.add_tracked(
                    session, args.source, args.name, args.instance
                )
                state = "now tracked" if created else "already tracked"
                print(f"{tracked.id}\t{tracked.source}\t{tracked.full_name}\t{state}")
            elif args.action == "remove":
                tracked = service.remove_tracked(session, _tracked_id(session, args))
                print(f"stopped tracking {tracked.source} {tracked.full_name}")
            else:
                for tracked in service.list_tracked(session, args.source):
                    checked = tracked.checked_at.isoformat() if tracked.checked_at else "never"
                    print(
                        f"{tracked.id}\t{tracked.source}\t{tracked.instance}\t"
                        f"{tracked.full_name}\t{tracked.status}\tchecked {checked}"
                    )
    except AppError as error:
        print(f"odyssey repos {args.action}: {error.message}", file=sys.stderr)
        return 1
    return 0


def _tracked_id(session: Any, args: argparse.Namespace) -> int:
    """`remove` takes the id that `list` prints, or the name."""
    from core.errors import NotFound
    from indexer.tracked import service

    if args.name.isdigit():
        return int(args.name)
    for tracked in service.list_tracked(session, args.source):
        if tracked.full_name.lower() == args.name.lower() and tracked.id is not None:
            return tracked.id
    raise NotFound(f"{args.name} is not tracked")


def add_parser(commands: argparse._SubParsersAction) -> None:
    repos = commands.add_parser(
        "repos", help="list, add or remove tracked GitHub repositories and GitLab projects"
    )
    repos.add_argument("action", choices=["list", "add", "remove"])
    repos.add_argument(
        "name", nargs="?", default="", help="owner/name, a GitLab project path, or an id (remove)"
    )
    repos.add_argument("--source", choices=["github", "gitlab"], default=None)
    repos.add_argument("--instance", help="GitLab instance name from GITLAB_INSTANCES")
    repos.set_defaults(handler=_checked)


def _checked(args: argparse.Namespace) -> int:
    if args.action in ("add", "remove") and not args.name:
        raise SystemExit(f"odyssey repos {args.action} needs a repository name")
    if args.action == "add" and args.source is None:
        args.source = "github"
    return cmd_repos(args)
