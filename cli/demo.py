"""`odyssey demo`: the whole pipeline on the recorded issues, end to end.

Brings the local stack up, serves the recorded issues from the local GitHub,
has Dramatiq workers fetch and index them, checks the search counts against
the file, then serves the API until interrupted.
"""

import logging
import os
import secrets
from pathlib import Path

from cli import processes
from cli.follow import follow_refresh
from core.settings import get_settings

logger = logging.getLogger(__name__)

DEMO_TOKEN = "demo-token"


def demo_data_path() -> Path:
    """Return the recorded issue file, or generate a sample where it is missing."""
    settings = get_settings()
    if settings.demo_data_path.is_file():
        return settings.demo_data_path
    from indexer.demo_sample import generate_sample

    sample = settings.stack_dir / "demo" / "sample_issues.jsonl"
    logger.warning(
        "demo data %s not found; using a generated sample at %s",
        settings.demo_data_path,
        sample,
    )
    return generate_sample(sample)


def point_at_local_github() -> dict[str, str]:
    """Settings that aim the GitHub client at the local fake, for this process
    and its children."""
    settings = get_settings()
    env = {
        "GITHUB_API_URL": f"http://127.0.0.1:{settings.fake_github_port}/graphql",
        "GITHUB_TOKEN": DEMO_TOKEN,
    }
    os.environ.update(env)
    get_settings.cache_clear()
    return env


def use_demo_signing_key() -> None:
    """Give accounts a signing key for this run when none is set, so signing
    up works in the demo. Sessions then end when the demo stops."""
    if get_settings().jwt_secret:
        return
    os.environ["ODYSSEY_JWT_SECRET"] = secrets.token_urlsafe(48)
    get_settings.cache_clear()
    print(
        "ODYSSEY_JWT_SECRET is not set: accounts use a key made for this run, "
        "so sign-ins end when the demo stops"
    )


def run_demo(serve: bool, timeout: float) -> int:
    from core.migrations import upgrade_database
    from indexer.routes import start_refresh
    from localstack import stack
    from search_api.count_check import check_counts

    stack.up()
    upgrade_database()
    use_demo_signing_key()
    settings = get_settings()
    data_path = demo_data_path()
    env = point_at_local_github()
    logs = settings.stack_dir / "logs"
    children = []
    try:
        processes.require_free_port(
            settings.fake_github_port, "the local GitHub", "ODYSSEY_FAKE_GITHUB_PORT"
        )
        children.append(
            processes.spawn(
                ["-m", "fakes.github", "--data", str(data_path), "--port", str(settings.fake_github_port)],
                logs / "fake-github.log",
                env,
            )
        )
        processes.wait_for_port(settings.fake_github_port, 60, "the local GitHub")
        children.append(
            processes.spawn(
                ["-m", "cli.main", "worker", "--processes", "1", "--threads", "4"],
                logs / "worker.log",
                env,
            )
        )
        job_id, _ = start_refresh()
        progress = follow_refresh(job_id, timeout=timeout)
        print(f"refresh {progress.status}: {progress.issues_seen} issues seen, "
              f"{progress.issues_indexed} searchable")
        if progress.status != "completed":
            return 1
        if not check_counts(data_path):
            return 1
        if serve:
            print(f"API on http://{settings.api_host}:{settings.api_port}/v1/search "
                  f"(docs at /docs); press Ctrl+C to stop")
            import uvicorn

            from core.logging_setup import uvicorn_log_config

            uvicorn.run(
                "search_api.app:create_app",
                factory=True,
                host=settings.api_host,
                port=settings.api_port,
                log_config=uvicorn_log_config(),
            )
        return 0
    finally:
        for child in reversed(children):
            processes.stop(child)
