"""`hearings review` serves the editors' app; `hearings editor add NAME` creates an editor."""

from __future__ import annotations

from typing import Annotated

import typer

from models.db import transaction
from pipeline.cli.common import console, fail, load_settings_or_fail, open_database
from pipeline.review.security import PasswordTooShort, hash_password
from pipeline.store.editors import EditorError, add_editor

editor_app = typer.Typer(help="Editors who may log in to the review app.", no_args_is_help=True)


def review(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the review app: editors fix, approve and publish chapters."""
    import uvicorn

    from pipeline.review.app import create_app

    settings = load_settings_or_fail()
    app = create_app(settings, open_database(settings))
    host, port = host or settings.review.host, port or settings.review.port
    if settings.review.secret_key is None:
        console.print(
            "[yellow]HEARINGS_REVIEW__SECRET_KEY is unset: sessions end when the app stops[/]"
        )
    console.print(f"review app on http://{host}:{port}/ (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


@editor_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the editor's log-in name")],
    replace: Annotated[
        bool, typer.Option("--replace", help="set a new password for an existing editor")
    ] = False,
) -> None:
    """Create an editor; the password is asked for twice and only its argon2 hash is stored."""
    factory = open_database(load_settings_or_fail())
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        password_hash = hash_password(password)
        with transaction(factory) as session:
            add_editor(session, name, password_hash, replace=replace)
    except (PasswordTooShort, EditorError) as error:
        fail(str(error))
    console.print(f"editor {name!r} {'updated' if replace else 'added'}")
