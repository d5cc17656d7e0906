"""The FastAPI application: every package's routes under one app."""

from fastapi import FastAPI

from core.errors import install_error_handlers
from indexer.routes import router as refresh_router
from search_api.health import router as health_router
from search_api.routes import router as search_router


def create_app() -> FastAPI:
    app = FastAPI(
        title="OSS Odyssey",
        version="0.1.0",
        summary="Find beginner-friendly open-source issues and follow your work on them.",
    )
    install_error_handlers(app)
    app.include_router(search_router)
    app.include_router(refresh_router)
    app.include_router(health_router)
    return app
