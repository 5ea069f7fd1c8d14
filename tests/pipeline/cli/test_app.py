"""The `hearings` command: help, settings, database creation and its one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from models.db import DatabaseNotMigrated
from pipeline.cli import app
from pipeline.cli.common import HearingsGroup, open_database
from pipeline.config import get_settings
from pipeline.sources.legistar import LegistarAuthError

runner = CliRunner()


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("config", "db", "demo"):
        assert command in result.output


def test_console_script_is_installed() -> None:
    hearings = Path(sys.executable).parent / "hearings"
    result = subprocess.run([hearings, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "db" in result.stdout


def test_config_show_masks_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARINGS_LLM__API_KEY", "sk-very-secret")
    result = runner.invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0
    assert "sk-very-secret" not in result.output
    assert '"api_key": "**********"' in result.output


def test_config_show_rejects_invalid_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARINGS_ASR__DEVICE", "gpu")
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 1
    assert "HEARINGS_ASR__DEVICE" in result.output
    assert "'auto', 'cpu' or 'cuda'" in result.output


def test_db_upgrade_creates_the_database(isolated_settings: Path) -> None:
    before = runner.invoke(app, ["db", "status"])
    assert "needs `hearings db upgrade`" in before.output
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (isolated_settings / "hearings.db").exists()
    assert "up to date" in runner.invoke(app, ["db", "status"]).output


def test_unmigrated_database_asks_for_upgrade(isolated_settings: Path) -> None:
    with pytest.raises(DatabaseNotMigrated, match="run `hearings db upgrade` first"):
        open_database(get_settings())
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 1
    assert "run `hearings db upgrade` first" in result.output
    runner.invoke(app, ["db", "upgrade"])
    assert open_database(get_settings()) is not None


def test_unreachable_database_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARINGS_DATABASE_URL", "postgresql+psycopg://app:pw@127.0.0.1:1/none")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "cannot open the database at postgresql+psycopg://app:***@127.0.0.1:1/none" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert "pw@" not in result.output


def _app_with(error: Exception) -> typer.Typer:
    """A command group like `hearings` with one command that raises `error`."""
    demo_app = typer.Typer(cls=HearingsGroup)

    @demo_app.command()
    def broken() -> None:
        raise error

    @demo_app.command()
    def other() -> None: ...

    return demo_app


def test_a_users_error_from_any_command_is_one_line_without_traceback() -> None:
    result = runner.invoke(_app_with(LegistarAuthError("Legistar refused: set the token")),
                           ["broken"])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == "error: Legistar refused: set the token"
    assert isinstance(result.exception, SystemExit)


def test_an_unexpected_error_keeps_its_traceback() -> None:
    result = runner.invoke(_app_with(KeyError("bug")), ["broken"])
    assert result.exit_code == 1
    assert isinstance(result.exception, KeyError)  # not swallowed into one line


def test_a_bad_slug_given_to_a_command_is_one_line() -> None:
    result = runner.invoke(app, ["chapter", "Not A Slug"])
    assert result.exit_code == 1
    assert "invalid hearing slug 'Not A Slug'" in result.output
    assert "Traceback" not in result.output
