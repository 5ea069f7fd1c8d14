"""The review app factory: routes, signed sessions, security headers, error pages."""

from __future__ import annotations

import secrets

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.chapters.editing import TilingEditError
from pipeline.config import Settings
from pipeline.review import (
    auth_routes,
    chapter_routes,
    hearing_routes,
    search_routes,
    speaker_routes,
)
from pipeline.review.security import LoginLimiter, SecurityHeaders
from pipeline.review.web import STATIC_DIR, LoginRequired, redirect, render
from pipeline.store.review_history import ReviewConflict, ReviewError

SESSION_HOURS = 12


def create_app(
    settings: Settings, factory: sessionmaker[Session], *, limiter: LoginLimiter | None = None
) -> FastAPI:
    """The app on a migrated database. Without a secret key in settings, sessions are signed
    with a random key, so they end when the app restarts."""
    secret = settings.review.secret_key
    app = FastAPI(title="hearings review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.factory = factory
    app.state.login_limiter = limiter or LoginLimiter()
    app.add_middleware(SecurityHeaders)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret.get_secret_value() if secret else secrets.token_urlsafe(32),
        session_cookie="hearings_review",
        max_age=SESSION_HOURS * 3600,
        same_site="strict",
        https_only=settings.review.secure_cookies,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth_routes, hearing_routes, chapter_routes, speaker_routes, search_routes):
        app.include_router(module.router)
    _add_error_pages(app)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _: LoginRequired) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        return redirect(f"/login?next={target}")

    @app.exception_handler(ReviewConflict)
    @app.exception_handler(StaleDataError)
    async def conflict(request: Request, error: Exception) -> Response:
        message = (
            str(error)
            if isinstance(error, ReviewConflict)
            else ("someone saved this at the same moment; reload and try again")
        )
        return render(request, "problem.html", {"message": message}, status=409)

    @app.exception_handler(ReviewError)
    @app.exception_handler(TilingEditError)
    async def refused(request: Request, error: Exception) -> Response:
        return render(request, "problem.html", {"message": str(error)}, status=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return render(request, "problem.html", {"message": error.detail}, status=error.status_code)
