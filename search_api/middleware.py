"""HTTP middleware of the API, installed in one call by the app factory."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from core.settings import get_settings
from search_api.body_limit import BodySizeLimitMiddleware
from search_api.metrics import RequestMetricsMiddleware
from search_api.rate_limit import RateLimitMiddleware
from search_api.request_id import HEADER as REQUEST_ID_HEADER
from search_api.request_id import RequestIdMiddleware

# Seconds browsers may cache a CORS preflight answer.
CORS_MAX_AGE = 600


def install_middleware(app: FastAPI) -> None:
    """Add the middleware; the last one added runs first on each request, so the
    order below is from the innermost to the outermost."""
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(BodySizeLimitMiddleware)
    origins = [
        origin.strip()
        for origin in get_settings().cors_allowed_origins.split(",")
        if origin.strip()
    ]
    if origins:
        # Outside the rate limit and size checks, so their errors carry CORS
        # headers and browsers show them to the page.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", REQUEST_ID_HEADER],
            expose_headers=["Retry-After", REQUEST_ID_HEADER],
            max_age=CORS_MAX_AGE,
        )
    app.add_middleware(RequestMetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
