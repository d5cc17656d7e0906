"""`odyssey`: run the local stack, workers, refreshes, the API and the demo."""

import argparse
import logging
import sys

from cli import digests, repos, sync_commands
from core.logging_setup import configure_logging

logger = logging.getLogger(__name__)


def cmd_stack(args: argparse.Namespace) -> int:
    from localstack.__main__ import main as localstack_main

    if args.action == "stop" and not args.service:
        print("odyssey stack stop needs a service name: postgres, redis or elasticsearch")
        return 2
    return localstack_main([args.action, *([args.service] if args.service else [])])


def cmd_migrate(args: argparse.Namespace) -> int:
    from core.migrations import upgrade_database

    upgrade_database()
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from cli.follow import follow_refresh
    from core.migrations import upgrade_database
    from indexer.routes import start_refresh

    upgrade_database()
    job_id, created = start_refresh(args.source)
    print(f"refresh job {job_id} {'queued' if created else 'already running'}")
    if not args.follow:
        return 0
    progress = follow_refresh(job_id, timeout=args.timeout)
    print(
        f"refresh {progress.status}: {progress.pages_done} pages, "
        f"{progress.issues_seen} issues seen, {progress.issues_indexed} in the index"
    )
    return 0 if progress.status == "completed" else 1


def cmd_worker(args: argparse.Namespace) -> int:
    from dramatiq.cli import main as dramatiq_main

    sys.argv = [
        "dramatiq",
        "indexer.tasks",
        "alerts.tasks",
        "--processes",
        str(args.processes),
        "--threads",
        str(args.threads),
    ]
    return dramatiq_main() or 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from core.logging_setup import uvicorn_log_config
    from core.metrics import prepare_multiprocess_directory
    from core.settings import get_settings

    settings = get_settings()
    prepare_multiprocess_directory()
    uvicorn.run(
        "search_api.app:create_app",
        factory=True,
        host=args.host or settings.api_host,
        port=args.port or settings.api_port,
        workers=args.workers,
        log_config=uvicorn_log_config(),
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from cli.demo import run_demo

    return run_demo(serve=not args.no_serve, timeout=args.timeout)


def cmd_rebuild_index(args: argparse.Namespace) -> int:
    from cli.sync_commands import cmd_reindex

    return cmd_reindex(args)


def cmd_graphql_schema(args: argparse.Namespace) -> int:
    from graphql_api.schema import SCHEMA_PATH, schema_sdl, write_schema

    if args.check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != schema_sdl():
            print(f"{SCHEMA_PATH} is out of date; run `odyssey graphql-schema`")
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    print(f"wrote {write_schema()}")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from accounts.roles import set_role
    from core.errors import AppError

    role = "admin" if args.action == "promote" else "user"
    try:
        user_id = set_role(args.email, role)
    except AppError as error:
        print(f"odyssey users {args.action}: {error.message}", file=sys.stderr)
        return 1
    print(f"user {user_id} now has the role {role}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="odyssey", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    stack = commands.add_parser("stack", help="manage the local PostgreSQL, Redis and Elasticsearch")
    stack.add_argument("action", choices=["up", "down", "status", "stop"])
    stack.add_argument("service", nargs="?", help="service to stop (with `stop`)")
    stack.set_defaults(handler=cmd_stack)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(handler=cmd_migrate)

    refresh = commands.add_parser("refresh", help="enqueue a refresh and follow it")
    refresh.add_argument("--source", choices=["github", "gitlab"], default="github")
    refresh.add_argument("--no-follow", dest="follow", action="store_false")
    refresh.add_argument("--timeout", type=float, default=1800.0, help="seconds to follow")
    refresh.set_defaults(handler=cmd_refresh)

    worker = commands.add_parser("worker", help="run Dramatiq workers for refresh jobs")
    worker.add_argument("--processes", type=int, default=1)
    worker.add_argument("--threads", type=int, default=4)
    worker.set_defaults(handler=cmd_worker)

    serve = commands.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.set_defaults(handler=cmd_serve)

    demo = commands.add_parser(
        "demo", help="bring the stack up, refresh from the local GitHub and serve the API"
    )
    demo.add_argument("--no-serve", action="store_true", help="stop after the check")
    demo.add_argument("--timeout", type=float, default=900.0, help="seconds for the refresh")
    demo.set_defaults(handler=cmd_demo)

    rebuild = commands.add_parser(
        "rebuild-index", help="build a new index from PostgreSQL and swap the alias"
    )
    rebuild.set_defaults(handler=cmd_rebuild_index)

    repos.add_parser(commands)

    graphql_schema = commands.add_parser(
        "graphql-schema", help="write the GraphQL schema to graphql_api/schema.graphql"
    )
    graphql_schema.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs from the code"
    )
    graphql_schema.set_defaults(handler=cmd_graphql_schema)
    users = commands.add_parser("users", help="grant or remove the admin role")
    users.add_argument("action", choices=["promote", "demote"])
    users.add_argument("email", help="email of a registered account")
    users.set_defaults(handler=cmd_users)
    sync_commands.add_parsers(commands)
    digests.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
