"""`hearings server status | stop`: the local Prefect server the flow commands share."""

from __future__ import annotations

import typer

from pipeline.cli.common import console

app = typer.Typer(help="The local Prefect server that ingest, nightly and backfill share.")


@app.command("status")
def server_status() -> None:
    """Say whether the shared local server runs, and where."""
    from flows.local_server import running_server

    state = running_server()
    if state is None:
        console.print("no shared local Prefect server is running")
    else:
        console.print(
            f"the shared local Prefect server runs at {state['url']} (process {state['pid']})"
        )


@app.command("stop")
def server_stop() -> None:
    """Stop the shared local server (the next flow command starts it again)."""
    from flows.local_server import stop_local_server

    pid = stop_local_server()
    console.print(
        "no shared local Prefect server was running" if pid is None else f"stopped process {pid}"
    )
