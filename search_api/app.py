"""The FastAPI application: every package's routes under one app."""

from fastapi import FastAPI

from accounts.routes import router as accounts_router
from alerts.routes import router as alerts_router
from core.errors import install_error_handlers
from core.logging_setup import configure_logging
from graphql_api.routes import create_graphql_router
from indexer.routes import router as refresh_router
from indexer.source_routes import router as sources_router
from indexer.tracked.routes import router as tracked_router
from search_api.api_docs import install_api_docs
from search_api.health import router as health_router
from search_api.metrics import router as metrics_router
from search_api.middleware import install_middleware
from search_api.routes import router as search_router
from search_api.web import install_web_ui
from tracking.routes import router as tracking_router
from webhooks.routes import router as webhooks_router


def create_app() -> FastAPI:
    # uvicorn worker processes start from this factory, not from the CLI.
    configure_logging()
    app = FastAPI(
        title="OSS Odyssey",
        version="0.1.0",
        summary="Find beginner-friendly open-source issues and follow your work on them.",
        # The default pages load their scripts from a public CDN; /docs is
        # served locally by install_api_docs, and ReDoc is left out.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(search_router)
    app.include_router(refresh_router)
    app.include_router(sources_router)
    app.include_router(webhooks_router)
    app.include_router(tracked_router)
    app.include_router(tracking_router)
    app.include_router(health_router)
    app.include_router(accounts_router)
    app.include_router(alerts_router)
    app.include_router(create_graphql_router())
    app.include_router(metrics_router)
    install_api_docs(app)
    install_middleware(app)
    # Last, because its catch-all GET route would shadow routes added after it.
    install_web_ui(app)
    return app
