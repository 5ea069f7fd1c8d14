"""`hearings publish` and `hearings search` from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from models.db import make_engine, make_session_factory, transaction
from pipeline.cli import app
from pipeline.config import get_settings
from tests.support.seed_hearing import SLUG, SeedHearing, default_chapters, store_seed_hearing

runner = CliRunner()


def _seed(status: str = "published") -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    factory = make_session_factory(make_engine(get_settings().effective_database_url))
    with transaction(factory) as session:
        store_seed_hearing(session, SeedHearing(status=status, chapters=default_chapters()))


def test_publish_all_writes_the_site_to_the_data_folder(isolated_settings: Path) -> None:
    _seed()
    result = runner.invoke(app, ["publish", "--all"])
    assert result.exit_code == 0, result.output
    assert "1 hearings rendered, 0 unchanged, 0 removed" in result.output
    assert (isolated_settings / "site" / SLUG / "index.html").is_file()
    again = runner.invoke(app, ["publish", SLUG, "--out", str(isolated_settings / "site")])
    assert "0 hearings rendered, 1 unchanged" in again.output


def test_publish_says_why_nothing_goes_out(isolated_settings: Path, tmp_path: Path) -> None:
    _seed(status="draft")
    result = runner.invoke(app, ["publish", SLUG, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "is draft, not published: none of it goes on the site" in " ".join(result.output.split())
    assert not (tmp_path / "out" / SLUG).exists()
    assert runner.invoke(app, ["publish"]).exit_code == 1
    missing = runner.invoke(app, ["publish", "no-such-hearing"])
    assert missing.exit_code == 1 and "no hearing 'no-such-hearing'" in missing.output


def test_search_prints_ranked_hits_with_speaker_time_and_link(
    isolated_settings: Path, monkeypatch: object
) -> None:
    _seed()
    runner.invoke(app, ["publish", "--all"])
    result = runner.invoke(app, ["search", "follow up", "--committee", "technology"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Michael Gerber 2:30:37" in lines[0]
    assert "We will follow up with the committee." in lines[1]
    assert lines[2].strip().endswith(f"/{SLUG}/chapter/questions-about-nypd-s-potential-access"
                                     "-to-mycity-portal-data/#line-5")  # fmt: skip
    none = runner.invoke(app, ["search", "follow up", "--since", "2025-01-01"])
    assert "no match" in none.output
    drafts = runner.invoke(app, ["search", "DRAFTONLY", "--drafts"])
    assert f"hearings show {SLUG}" in drafts.output
    empty = runner.invoke(app, ["search", "?!"])
    assert empty.exit_code == 1 and "nothing to search for" in empty.output
