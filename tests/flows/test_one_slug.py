"""One source, one slug, one folder: `transcribe`, `ingest`, discovery and backfill agree."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from flows.process_hearing import process_hearing
from models import Hearing, HearingClaim, StageRun
from models.db import transaction
from pipeline.cli import app
from pipeline.sources.manual import manual_hearing
from pipeline.store.processing import ensure_manual_hearing
from tests.support.media_server import MediaServer, Route, serve
from tests.support.speech import make_mp4, tone

PAGE = (
    b'<html><body><video src="/media/meeting.mp4">'
    b'<track kind="captions" srclang="en" src="/media/meeting.vtt"></video></body></html>'
)
CAPTIONS = b"WEBVTT\n\n00:00:00.500 --> 00:00:01.900\n>> GOOD MORNING.\n"
VIEBIT_NAME = "NYCC-PV-CH-COM_241001-100512"
VIEBIT_PAGE = f"https://councilnyc.viebit.com/vod/?s=true&v={VIEBIT_NAME}.mp4"
VIEBIT_MP4 = f"https://vbfast-vod.viebit.com/counciln/0123abcd/{VIEBIT_NAME}.mp4"


@pytest.fixture
def meeting_page(tmp_path: Path) -> Iterator[MediaServer]:
    """A web page with a video and its captions, as yt-dlp's generic extractor reads them."""
    clip = make_mp4(tmp_path / "clip.mp4", tone(2.0)).read_bytes()
    with serve() as server:
        server.routes["/meeting"] = Route(PAGE, "text/html")
        server.routes["/media/meeting.mp4"] = Route(clip, "video/mp4")
        server.routes["/media/meeting.vtt"] = Route(CAPTIONS, "text/vtt")
        yield server


def media_requests(server: MediaServer) -> int:
    return len(server.ranges_asked("/media/meeting.mp4"))


@pytest.mark.usefixtures("prefect_api_url")
def test_transcribe_then_ingest_of_one_url_downloads_once(factory, meeting_page) -> None:
    url = meeting_page.url("/meeting")
    runner = CliRunner()

    transcribed = runner.invoke(app, ["transcribe", url, "--until", "acquire"])
    assert transcribed.exit_code == 0, transcribed.output
    assert media_requests(meeting_page) == 1

    ingested = runner.invoke(app, ["ingest", url, "--chapterer", "offline"])

    assert ingested.exit_code == 0, ingested.output
    assert media_requests(meeting_page) == 1  # the second path reused the first one's folder
    with factory() as session:
        (hearing,) = session.scalars(select(Hearing))
        assert hearing.status == "draft"
        runs = [(run.stage, run.status) for run in session.scalars(select(StageRun))]
    # The same StageRun rows on both paths; the roster stage ran (unavailable) on both.
    assert runs[:2] == [("roster", "skipped"), ("acquire", "succeeded")]
    assert ("acquire", "skipped") in runs[2:] and ("store", "succeeded") in runs


def test_a_viebit_recording_has_one_readable_slug_behind_its_page_and_its_mp4(factory) -> None:
    with transaction(factory) as session:
        from_page = ensure_manual_hearing(session, manual_hearing(VIEBIT_PAGE))
        from_mp4 = ensure_manual_hearing(session, manual_hearing(VIEBIT_MP4))

    assert from_page.id == from_mp4.id
    assert from_page.slug == "2024-10-01-1005-am-nycc-pv-ch-com"


def test_ingesting_a_discovered_video_uses_the_discovered_hearing(factory) -> None:
    slug = "2024-10-01-1000-am-committee-on-finance"
    with transaction(factory) as session:
        session.add(Hearing(
            slug=slug, title="Committee on Finance", legistar_event_id=21125,
            scheduled_at=datetime(2024, 10, 1, 14, tzinfo=UTC), status="discovered",
            video_url=VIEBIT_MP4, details={"legistar": {"video_page": VIEBIT_PAGE}},
        ))  # fmt: skip

    with transaction(factory) as session:
        assert ensure_manual_hearing(session, manual_hearing(VIEBIT_PAGE)).slug == slug


def test_a_slug_asked_for_a_new_hearing_must_be_free(factory, tmp_path: Path) -> None:
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    first.write_bytes(b"a")
    second.write_bytes(b"b")
    with transaction(factory) as session:
        named = manual_hearing(str(first), slug="mine")
        assert ensure_manual_hearing(session, named).slug == "mine"
        again = manual_hearing(str(first), slug="other")
        assert ensure_manual_hearing(session, again).slug == "mine"  # the source keeps its slug

    taken = CliRunner().invoke(app, ["transcribe", str(second), "--slug", "mine"])

    assert taken.exit_code == 1 and "taken by another hearing" in taken.output


@pytest.mark.usefixtures("prefect_api_url")
def test_chapter_command_records_its_run_for_a_stored_hearing(factory, sample_slug) -> None:
    process_hearing(sample_slug)

    result = CliRunner().invoke(app, ["chapter", sample_slug, "--chapterer", "offline", "--force"])

    assert result.exit_code == 0, result.output
    with factory() as session:
        last = session.scalars(select(StageRun).order_by(StageRun.id.desc())).first()
        assert (last.stage, last.status, last.flow_run_id) == ("chapter", "succeeded", None)
        assert session.scalar(select(HearingClaim)) is None  # its claim was released
