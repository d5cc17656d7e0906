"""Readiness probe for processes without an HTTP server (workers, scheduler).

`python -m core.probe` exits 0 when Elasticsearch, PostgreSQL and Redis all
respond, as `GET /readyz` of the API checks, and 1 otherwise.
"""

import logging
import sys

from search_api.health import readiness_checks

logger = logging.getLogger(__name__)


def main() -> int:
    failed = []
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 (any failure means not ready)
            logger.error("readiness check %s failed: %s", name, error)
            failed.append(name)
    if failed:
        print(f"not ready: {', '.join(failed)} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
