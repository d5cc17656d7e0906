"""Serve the fake GitHub GraphQL API: `python -m fakes.github --data PATH`."""

import argparse
import logging
from pathlib import Path

import uvicorn

from core.logging_setup import configure_logging
from core.settings import get_settings
from fakes.github.app import create_app

logger = logging.getLogger(__name__)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m fakes.github",
        description="Serve a local GitHub GraphQL API over issue records.",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=settings.demo_data_path,
        help="JSONL file of issue records (default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=settings.fake_github_port,
        help="TCP port on 127.0.0.1 (default: %(default)s)",
    )
    parser.add_argument(
        "--schema",
        type=Path,
        default=None,
        help="GitHub schema.graphql file (default: the github_schema_path setting)",
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=5000,
        help="query points per hourly window (default: %(default)s)",
    )
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="accept requests without an Authorization header",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    configure_logging()
    app = create_app(
        arguments.data,
        require_token=not arguments.no_auth,
        rate_limit=arguments.rate_limit,
        schema_path=arguments.schema,
    )
    logger.info("serving fake GitHub on http://127.0.0.1:%d/graphql", arguments.port)
    uvicorn.run(app, host="127.0.0.1", port=arguments.port, log_level="warning")


if __name__ == "__main__":
    main()
