"""The `hearings` command: help, settings, database creation and its one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.cli.common import open_database
from pipeline.config import get_settings

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
    import typer

    with pytest.raises(typer.Exit):
        open_database(get_settings())
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
