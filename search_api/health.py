"""Liveness and readiness probes."""

import logging
from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from core.database import get_engine
from core.elastic import get_elasticsearch
from core.redis_client import get_redis

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Report that the process is up, without checking other services."""
    return {"status": "ok"}


def _check_elasticsearch() -> None:
    health = get_elasticsearch().cluster.health(timeout="2s")
    if health["status"] == "red":
        raise RuntimeError("cluster status is red")


def _check_postgres() -> None:
    with get_engine().connect() as connection:
        connection.execute(text("SELECT 1"))


def _check_redis() -> None:
    get_redis().ping()


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The checks of `/readyz`, also run by `python -m core.probe`."""
    return {
        "elasticsearch": _check_elasticsearch,
        "postgres": _check_postgres,
        "redis": _check_redis,
    }


@router.get("/readyz")
def readyz() -> JSONResponse:
    """Report ready when Elasticsearch, PostgreSQL and Redis all respond."""
    checks = readiness_checks()
    results: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as error:  # noqa: BLE001 (any failure means not ready)
            logger.warning("readiness check %s failed: %s", name, error)
            results[name] = f"failed: {type(error).__name__}"
    ready = all(value == "ok" for value in results.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": results},
        status_code=200 if ready else 503,
    )
