"""Editor accounts: who may log in to the review app. Only password hashes are stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Editor
from pipeline.errors import HearingsError

MAX_NAME_LENGTH = 200


class EditorError(HearingsError, ValueError):
    """An editor account cannot be created or changed as asked."""


def editor_by_name(session: Session, name: str) -> Editor | None:
    return session.scalar(select(Editor).where(Editor.name == name))


def add_editor(session: Session, name: str, password_hash: str, *, replace: bool = False) -> Editor:
    """A new editor, or (with `replace`) a new password for an existing one."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or any(char.isspace() for char in name):
        raise EditorError(f"an editor name is 1–{MAX_NAME_LENGTH} characters without spaces")
    editor = editor_by_name(session, name)
    if editor is not None and not replace:
        raise EditorError(f"editor {name!r} exists; use --replace to set a new password")
    if editor is None:
        editor = Editor(name=name, password_hash=password_hash)
        session.add(editor)
    else:
        editor.password_hash = password_hash
        editor.active = True
    session.flush()
    return editor


def record_login(session: Session, editor: Editor, rehashed: str | None) -> None:
    editor.last_login_at = datetime.now(UTC)
    if rehashed:
        editor.password_hash = rehashed
