"""Log in and out. Failed attempts are limited per client address and per name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from models.db import transaction
from pipeline.review.security import LoginLimiter, csrf_token, verify_password
from pipeline.review.web import (
    EDITOR_KEY,
    check_csrf,
    factory_of,
    redirect,
    render,
    safe_next,
)
from pipeline.store.editors import editor_by_name, record_login

router = APIRouter()


def limiter_of(request: Request) -> LoginLimiter:
    return request.app.state.login_limiter


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next)})


def _check_password(request: Request, name: str, password: str) -> bool:
    with transaction(factory_of(request)) as session:
        editor = editor_by_name(session, name)
        active = editor is not None and editor.active
        ok, rehashed = verify_password(editor.password_hash if active else None, password)
        if ok and editor is not None:
            record_login(session, editor, rehashed)
        return ok


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    limiter = limiter_of(request)
    keys = (f"address:{request.client.host if request.client else '?'}", f"name:{name}")
    wait = limiter.retry_after(*keys)
    if wait:
        message = f"Too many failed logins. Try again in {wait} seconds."
        response = render(request, "login.html", {"error": message, "next": next}, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    if not _check_password(request, name, password):
        limiter.failed(*keys)
        error = "Wrong name or password."
        return render(request, "login.html", {"error": error, "next": next}, status=401)
    limiter.succeeded(keys[1])
    request.session.clear()  # a fresh session (and CSRF token) for the logged-in editor
    request.session[EDITOR_KEY] = name
    csrf_token(request.session)
    return redirect(safe_next(next))


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    request.session.clear()
    return redirect("/login")
