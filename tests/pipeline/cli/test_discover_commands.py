"""`hearings discover` and `hearings roster ...` end to end, on the loopback Legistar API."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import get_settings
from tests.support.legistar_server import LegistarServer

runner = CliRunner()


@pytest.fixture
def migrated() -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def with_token(legistar_server: LegistarServer, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HEARINGS_LEGISTAR__BASE_URL", legistar_server.api_base)
    monkeypatch.setenv("HEARINGS_LEGISTAR__TOKEN", legistar_server.state.token)
    monkeypatch.setenv("HEARINGS_LEGISTAR__TIMEOUT_SECONDS", "5")
    get_settings.cache_clear()  # `migrated` already read the settings without a token
    return legistar_server.state.token


def test_roster_sync_without_token_uses_the_bundled_roster(migrated: None) -> None:
    result = runner.invoke(app, ["roster", "sync"])
    assert result.exit_code == 0, result.output
    assert "No Legistar token configured" in result.output
    assert "bundled" in result.output
    shown = runner.invoke(
        app, ["roster", "show", "--date", "2024-10-10", "--body", "Committee on Finance"]
    )
    assert shown.exit_code == 0, shown.output
    assert "Brannan" in shown.output and "Chair" in shown.output
    assert "Jumaane" in shown.output  # the table wraps long cells at 80 columns


def test_roster_show_explains_an_unknown_body(migrated: None) -> None:
    runner.invoke(app, ["roster", "sync"])
    result = runner.invoke(app, ["roster", "show", "--date", "2024-10-10", "--body", "Finanse"])
    assert result.exit_code == 1
    assert "no body named 'Finanse'" in result.output


def test_roster_sync_reads_legistar_when_a_token_is_set(migrated: None, with_token: str) -> None:
    result = runner.invoke(app, ["roster", "sync", "--active-since", "2024-01-01"])
    assert result.exit_code == 0, result.output
    assert "No Legistar token" not in result.output
    assert "549 memberships" in result.output


def test_discover_stores_hearings_and_lists_the_ready_ones(migrated: None, with_token: str) -> None:
    result = runner.invoke(app, ["discover", "--since", "2024-10-01", "--until", "2024-10-31"])
    assert result.exit_code == 0, result.output
    assert "63 events checked: 63 new" in result.output
    assert "agenda status is Deferred" in result.output
    assert with_token not in result.output
    again = runner.invoke(app, ["discover", "--since", "2024-10-01", "--until", "2024-10-31"])
    assert "0 new, 0 updated" in again.output


def test_discover_without_token_says_how_to_get_one(migrated: None) -> None:
    result = runner.invoke(app, ["discover", "--since", "2024-10-01"])
    assert result.exit_code == 1
    assert "HEARINGS_LEGISTAR__TOKEN" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["nightly"],
        ["backfill", "--since", "2024-10-01"],
        ["backfill", "--since", "2024-10-01", "--until", "2024-10-31", "--event", "21105"],
    ],
)
def test_commands_that_discover_stop_at_once_without_a_token_like_discover(
    migrated: None, command: list[str]
) -> None:
    from pipeline.sources.legistar import NEED_TOKEN

    discover = runner.invoke(app, ["discover", "--since", "2024-10-01"])
    result = runner.invoke(app, command)
    assert result.exit_code == 1
    assert result.output == discover.output == f"error: {NEED_TOKEN}\n"
    assert isinstance(result.exception, SystemExit)  # no flow ran, nothing was retried


def test_discover_reports_a_legistar_failure_in_one_line(
    migrated: None, with_token: str, legistar_server: LegistarServer
) -> None:
    legistar_server.state.token = "rotated"
    result = runner.invoke(app, ["discover", "--since", "2024-10-01"])
    assert result.exit_code == 1
    assert "Token is required" in result.output
    assert with_token not in result.output
