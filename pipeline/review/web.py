"""What every route shares: templates, the logged-in editor, CSRF checks, flashes, redirects."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from pipeline.config import Settings
from pipeline.formatting import clock, kind_label
from pipeline.review.security import CSRF_FIELD, CSRF_HEADER, csrf_matches, csrf_token
from pipeline.schemas import ChapterKind
from pipeline.store.editors import editor_by_name

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
EDITOR_KEY = "editor"
FLASH_KEY = "flash"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.filters["clock"] = clock
templates.env.filters["kind_label"] = kind_label
templates.env.filters["edit_value"] = lambda value: describe_value(value)
templates.env.globals["chapter_kinds"] = [(kind.value, kind.label) for kind in ChapterKind]


def describe_value(value: Any) -> str:
    """An Edit's before/after as a person reads it (escaped by the template like any text)."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return " · ".join(describe_value(item) for item in value) or "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {describe_value(item)}" for key, item in value.items())
    return str(value)


class LoginRequired(Exception):
    """The request needs a logged-in editor."""


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def factory_of(request: Request) -> sessionmaker[Session]:
    return request.app.state.factory


def _active_editor(factory: sessionmaker[Session], name: str) -> bool:
    with factory() as session:
        editor = editor_by_name(session, name)
        return editor is not None and editor.active


async def current_editor(request: Request) -> str:
    """The logged-in editor's name; anyone else is sent to the login page."""
    name = request.session.get(EDITOR_KEY)
    if not isinstance(name, str) or not await run_in_threadpool(
        _active_editor, factory_of(request), name
    ):
        request.session.pop(EDITOR_KEY, None)
        raise LoginRequired
    return name


async def check_csrf(request: Request) -> None:
    form = await request.form()
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_matches(request.session, given if isinstance(given, str) else None):
        raise HTTPException(403, "The form's security token is missing or out of date: reload.")


async def editor_for_change(request: Request) -> str:
    """A state-changing request: a logged-in editor and the session's CSRF token."""
    editor = await current_editor(request)
    await check_csrf(request)
    return editor


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session.setdefault(FLASH_KEY, []).append([kind, message])


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    base = {
        "back": back_link(request.url.path),
        "editor": request.session.get(EDITOR_KEY),
        "csrf_token": csrf_token(request.session),
        "flashes": request.session.pop(FLASH_KEY, []),
    }
    return templates.TemplateResponse(
        request, template, {**base, **(context or {})}, status_code=status
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def hearing_url(slug: str, anchor: str | None = None) -> str:
    url = f"/hearings/{quote(slug)}"
    return f"{url}#{anchor}" if anchor else url


def back_link(path: str) -> str:
    """Where an error page leads back to: the hearing the request was about, or the list."""
    parts = path.split("/")
    return "/".join(parts[:3]) if len(parts) > 2 and parts[1] == "hearings" else "/"


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (`//evil`, `https://…`)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
