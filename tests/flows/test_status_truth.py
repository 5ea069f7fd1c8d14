"""Status tells the truth (issue 13): a dead run shows as interrupted, partial files go."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from flows.process_hearing import process_hearing
from models import Hearing, HearingClaim, HearingStatus
from models.db import transaction
from pipeline.artifacts import ArtifactStore
from pipeline.cli import app
from pipeline.cli.common import console


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def mark_processing(factory, slug: str, pid: int) -> None:
    now = datetime.now(UTC)
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == slug))
        hearing.status, hearing.status_reason = HearingStatus.PROCESSING, "in stage chapter"
        session.add(HearingClaim(slug=slug, owner=f"run-{pid}", host=socket.gethostname(),
                                 pid=pid, claimed_at=now, renewed_at=now))  # fmt: skip


@pytest.mark.parametrize(
    ("pid", "shown"), [(dead_pid(), "interrupted"), (os.getpid(), "processing in stage chapter")]
)
def test_status_shows_a_run_whose_process_died_as_interrupted(
    factory, sample_slug, monkeypatch, pid: int, shown: str
) -> None:
    monkeypatch.setattr(console, "width", 200)
    mark_processing(factory, sample_slug, pid)

    output = CliRunner().invoke(app, ["status"]).output

    assert shown in output
    if shown == "interrupted":
        assert "processing in stage" not in output


@pytest.mark.usefixtures("prefect_api_url")
def test_partial_files_of_an_interrupted_run_are_removed_at_the_next_start(
    settings, sample_slug
) -> None:
    folder = ArtifactStore(settings.hearings_dir).hearing_dir(sample_slug)
    folder.mkdir(parents=True)
    leftovers = [folder / "audio.wav.part", folder / "media.mp4.part", folder / ".lines.json.x.tmp"]
    for leftover in leftovers:
        leftover.write_bytes(b"half")

    assert process_hearing(sample_slug).status == "draft"

    assert not any(leftover.exists() for leftover in leftovers)
