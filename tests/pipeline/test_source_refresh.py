"""Sources refresh (issue 13): changed files re-run acquire, the media is a real copy,
captions beside a URL are fetched, and a file that is not media is refused up front."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.acquire import acquire
from pipeline.audio import NotMediaFileError
from pipeline.cli import app
from pipeline.stages import HearingContext
from tests.pipeline.test_acquire import CAPTIONS
from tests.support.media_server import MediaServer, Route
from tests.support.stages import run

CORRECTED = CAPTIONS.replace("GOOD MORNING", "GOOD MORNING, CHAIR")


@pytest.fixture
def local_source(clip_mp4: bytes, tmp_path: Path) -> Path:
    source = tmp_path / "given" / "meeting.mp4"
    source.parent.mkdir()
    source.write_bytes(clip_mp4)
    source.with_suffix(".vtt").write_text(CAPTIONS)
    return source


def folder_of(context: HearingContext) -> Path:
    return context.store.hearing_dir(context.slug)


def test_a_corrected_captions_file_re_runs_acquire(context, local_source: Path) -> None:
    first = run(context, "acquire", source=str(local_source))
    assert (folder_of(context) / "captions.vtt").read_text() == CAPTIONS
    local_source.with_suffix(".vtt").write_text(CORRECTED)

    second = run(context, "acquire", source=str(local_source))

    assert not second.skipped and second.fingerprint != first.fingerprint
    assert (folder_of(context) / "captions.vtt").read_text() == CORRECTED


def test_forcing_acquire_reads_the_captions_again(context, local_source: Path) -> None:
    run(context, "acquire", source=str(local_source))
    captions = local_source.with_suffix(".vtt")
    stamp = captions.stat()
    captions.write_text(CORRECTED.replace("CHAIR", "CHAI"))  # same size, same time
    os.utime(captions, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))

    forced = run(context, "acquire", force=True, source=str(local_source))

    assert not forced.skipped
    assert "CHAI" in (folder_of(context) / "captions.vtt").read_text()


def test_the_stored_media_is_a_copy_not_a_link(context, local_source: Path, clip_mp4) -> None:
    run(context, "acquire", source=str(local_source))
    stored = folder_of(context) / "media.mp4"
    assert stored.stat().st_ino != local_source.stat().st_ino
    with local_source.open("ab") as handle:  # the user changes the source in place
        handle.write(b"\0" * 64)

    assert stored.read_bytes() == clip_mp4
    assert not run(context, "acquire", source=str(local_source)).skipped  # and it is read again
    assert stored.read_bytes() == clip_mp4 + b"\0" * 64


def test_new_media_under_the_old_captions_is_said(
    context, local_source: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run(context, "acquire", source=str(local_source))
    with local_source.open("ab") as handle:  # a re-cut video, the same captions file
        handle.write(b"\0" * 64)

    with caplog.at_level(logging.WARNING, logger="pipeline.acquire_stage"):
        run(context, "acquire", source=str(local_source))
    assert "the media changed but its captions did not" in caplog.text

    caplog.clear()
    with local_source.open("ab") as handle:
        handle.write(b"\0" * 64)
    local_source.with_suffix(".vtt").write_text(CORRECTED)  # both new: nothing to say
    with caplog.at_level(logging.WARNING, logger="pipeline.acquire_stage"):
        run(context, "acquire", source=str(local_source))
    assert "captions did not" not in caplog.text


def test_captions_beside_a_media_url_are_fetched(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    server.routes["/media/meeting.mp4"] = Route(clip_mp4, "video/mp4")
    server.routes["/media/meeting.vtt"] = Route(CAPTIONS.encode(), "text/vtt")

    info = acquire(server.url("/media/meeting.mp4"), tmp_path / "hearing")

    assert info.captions_url == server.url("/media/meeting.vtt")
    assert (tmp_path / "hearing" / "captions.vtt").read_text() == CAPTIONS


def test_a_file_that_is_not_media_is_refused_before_anything_is_written(tmp_path) -> None:
    with pytest.raises(NotMediaFileError, match="not an audio or video file"):
        acquire("/etc/passwd", tmp_path / "hearing")
    assert not (tmp_path / "hearing").exists()


def test_ingest_of_a_system_file_stores_nothing(isolated_settings: Path) -> None:
    result = CliRunner().invoke(app, ["ingest", "/etc/passwd"])

    assert result.exit_code == 1
    assert "/etc/passwd is not an audio or video file" in result.output
    assert not isolated_settings.exists()  # no database, no hearing folder
