"""The small ones of issue 13, each as a user meets it on the command line."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from models import Chapter, Hearing, HearingClaim
from models.db import transaction
from pipeline.artifacts import ArtifactStore
from pipeline.cli import app
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.sources.bundled_roster import load_bundled_roster
from pipeline.store.roster import upsert_roster

LANDMARKS = "Subcommittee on Landmarks, Public Sitings and Dispositions"
runner = CliRunner()


def hearing_row(factory, slug: str) -> Hearing | None:
    with factory() as session:
        return session.scalar(select(Hearing).where(Hearing.slug == slug))


@pytest.mark.usefixtures("prefect_api_url")
def test_title_date_and_committee_given_to_an_existing_manual_hearing(
    settings, factory, sample_slug, sample_media
) -> None:
    bundled = load_bundled_roster()
    with transaction(factory) as session:
        upsert_roster(session, bundled.records())

    result = runner.invoke(app, [
        "ingest", str(sample_media), "--title", "Landmarks, 1 October", "--date",
        "2024-10-01 10:00", "--body", LANDMARKS, "--chapterer", "offline",
    ])  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "title, scheduled_at, body_name set as given" in " ".join(result.output.split())
    hearing = hearing_row(factory, sample_slug)
    assert hearing.title == "Landmarks, 1 October" and hearing.body_name == LANDMARKS
    assert hearing.scheduled_at == datetime(2024, 10, 1, 14, 0, tzinfo=UTC)
    roster = ArtifactStore(settings.hearings_dir).read(sample_slug, ROSTER_ARTIFACT, Roster)
    assert roster.members and roster.members[0].body == LANDMARKS


@pytest.mark.usefixtures("prefect_api_url")
def test_wait_says_that_it_waits(factory, sample_slug, sample_media) -> None:
    now = datetime.now(UTC)
    with transaction(factory) as session:  # a live run (this process) holds the hearing
        session.add(HearingClaim(slug=sample_slug, owner="other-run", host=socket.gethostname(),
                                 pid=os.getpid(), claimed_at=now, renewed_at=now))  # fmt: skip

    result = runner.invoke(app, ["ingest", str(sample_media), "--wait", "0.5"])

    said = " ".join(result.output.split())  # unwrapped
    assert result.exit_code == 1
    assert f"{sample_slug} is being processed by process {os.getpid()}" in said
    assert "waiting up to 0.5 s for it to finish" in said


def test_delete_asks_then_removes_the_hearing_and_its_folder(settings, factory, sample_slug):
    folder = ArtifactStore(settings.hearings_dir).hearing_dir(sample_slug)
    folder.mkdir(parents=True)
    (folder / "source.json").write_text("{}")

    kept = runner.invoke(app, ["delete", sample_slug], input="n\n")
    assert kept.exit_code == 1 and hearing_row(factory, sample_slug) is not None

    deleted = runner.invoke(app, ["delete", sample_slug], input="y\n")
    assert deleted.exit_code == 0, deleted.output
    assert hearing_row(factory, sample_slug) is None and not folder.exists()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == "hearings 0.1.0"


def test_terminal_escapes_in_a_title_never_reach_the_terminal(factory, sample_slug) -> None:
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == sample_slug))
        hearing.title = "\x1b]0;owned\x07Budget \x1b[2J\x1b[31mhearing"
        hearing.chapters.append(Chapter(position=0, kind="remarks", title="\x1b[5mOpening",
                                        start_line=0, stop_line=0, start=0, end=1,
                                        generator="offline"))  # fmt: skip

    result = runner.invoke(app, ["show", sample_slug])

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Budget hearing" in result.output and "Opening" in result.output
