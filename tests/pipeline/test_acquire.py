"""acquire against a loopback server: direct files, resumes, Viebit pages, yt-dlp, bad input."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from pipeline.acquire import (
    DownloadFailedError,
    NotMediaError,
    UnsupportedSourceError,
    acquire,
)
from pipeline.config import NetworkSettings
from pipeline.stages import HearingContext
from tests.support.media_server import MediaServer, Route
from tests.support.stages import run

VIEBIT_NAME = "NYCC-PV-CH-COM_241001-100512.mp4"
VIEBIT_HASH = "a1b2c3d4e5f6a7b8"
CAPTIONS = "WEBVTT\n\n00:00:00.500 --> 00:00:01.900\n>> GOOD MORNING.\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_direct_download_records_size_hash_type_and_duration(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    server.routes["/files/clip.mp4"] = Route(clip_mp4, "video/mp4")
    seen: list[tuple[int, int | None]] = []

    info = acquire(server.url("/files/clip.mp4"), tmp_path, progress=lambda *a: seen.append(a))

    assert (tmp_path / info.media_file).read_bytes() == clip_mp4
    assert info.media_file == "media.mp4"
    assert (info.size_bytes, info.sha256) == (len(clip_mp4), sha256(clip_mp4))
    assert info.content_type == "video/mp4"
    assert info.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert seen[-1] == (len(clip_mp4), len(clip_mp4))


def test_a_download_cut_mid_way_resumes_with_a_range_request(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    half = len(clip_mp4) // 2
    server.routes["/cut.mp4"] = Route(clip_mp4, "video/mp4", cut_after=half, cuts=1)

    info = acquire(server.url("/cut.mp4"), tmp_path)

    assert info.sha256 == sha256(clip_mp4)
    assert server.ranges_asked("/cut.mp4") == [None, f"bytes={half}-"]
    assert not (tmp_path / "media.mp4.part").exists()


def test_a_restarted_run_continues_the_part_file(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    (tmp_path / "media.mp4.part").write_bytes(clip_mp4[:1000])
    server.routes["/clip.mp4"] = Route(clip_mp4, "video/mp4")

    info = acquire(server.url("/clip.mp4"), tmp_path)

    assert info.sha256 == sha256(clip_mp4)
    assert server.ranges_asked("/clip.mp4") == ["bytes=1000-"]


def test_a_server_without_ranges_restarts_from_zero(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    (tmp_path / "media.mp4.part").write_bytes(b"stale bytes from another file")
    server.routes["/clip.mp4"] = Route(clip_mp4, "video/mp4", accept_ranges=False)

    assert acquire(server.url("/clip.mp4"), tmp_path).sha256 == sha256(clip_mp4)


def test_viebit_page_resolves_to_the_direct_mp4_and_its_captions(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    page = f'<html><iframe src="https://x/player.php?hash={VIEBIT_HASH}&a=1"></iframe></html>'
    server.routes[f"/vod/?s=true&v={VIEBIT_NAME}"] = Route(page.encode(), "text/html")
    stem = VIEBIT_NAME.removesuffix(".mp4")
    server.routes[f"/counciln/{VIEBIT_HASH}/{VIEBIT_NAME}"] = Route(clip_mp4, "video/mp4")
    server.routes[f"/counciln/{VIEBIT_HASH}/{stem}.vtt"] = Route(CAPTIONS.encode(), "text/vtt")
    media_base = server.url("/counciln")

    page_url = server.url(f"/vod/?s=true&v={VIEBIT_NAME}")
    info = acquire(page_url, tmp_path, viebit_media_base=media_base)

    assert info.final_url == server.url(f"/counciln/{VIEBIT_HASH}/{VIEBIT_NAME}")
    assert info.captions_url == server.url(f"/counciln/{VIEBIT_HASH}/{stem}.vtt")
    assert info.sha256 == sha256(clip_mp4)
    assert (tmp_path / "captions.vtt").read_text() == CAPTIONS


def test_viebit_page_without_a_player_link_is_not_media(
    server: MediaServer, tmp_path: Path
) -> None:
    server.routes["/vod/?v=x.mp4"] = Route(b"<html>moved</html>", "text/html")
    media_base = server.url("/counciln")

    with pytest.raises(NotMediaError, match="player"):
        acquire(server.url("/vod/?v=x.mp4"), tmp_path, viebit_media_base=media_base)


def test_ytdlp_downloads_the_video_of_a_web_page(
    server: MediaServer, clip_mp4: bytes, tmp_path: Path
) -> None:
    server.routes["/meeting"] = Route(
        b'<html><body><video src="/media/meeting.mp4"></video></body></html>', "text/html"
    )
    server.routes["/media/meeting.mp4"] = Route(clip_mp4, "video/mp4")
    seen: list[tuple[int, int | None]] = []

    info = acquire(server.url("/meeting"), tmp_path, progress=lambda *a: seen.append(a))

    assert info.sha256 == sha256(clip_mp4)
    assert info.media_file.startswith("media.")
    assert seen and seen[-1][0] == len(clip_mp4)


def test_missing_file_is_a_clear_download_error(server: MediaServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadFailedError, match="HTTP 404"):
        acquire(server.url("/gone.mp4"), tmp_path)
    with pytest.raises(DownloadFailedError, match="404"):
        acquire(server.url("/gone-page"), tmp_path)
    assert not list(tmp_path.glob("media*"))


def test_html_instead_of_media_is_refused(server: MediaServer, tmp_path: Path) -> None:
    server.routes["/video.mp4"] = Route(b"<html>Sign in</html>", "text/html; charset=utf-8")
    server.routes["/about"] = Route(b"<html><p>No video here.</p></html>", "text/html")

    with pytest.raises(NotMediaError, match="web page"):
        acquire(server.url("/video.mp4"), tmp_path)
    with pytest.raises(NotMediaError, match="no media"):
        acquire(server.url("/about"), tmp_path)


@pytest.mark.parametrize("source", ["file:///etc/passwd", "ftp://example.org/a.mp4", "/no/such"])
def test_non_http_sources_are_refused(source: str, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedSourceError):
        acquire(source, tmp_path)
    assert not list(tmp_path.iterdir())


def test_local_file_is_brought_into_the_folder(clip_mp4: bytes, tmp_path: Path) -> None:
    original = tmp_path / "Council Hearing.MP4"
    original.write_bytes(clip_mp4)

    info = acquire(str(original), tmp_path / "hearing")

    assert info.media_file == "media.mp4"
    assert (tmp_path / "hearing" / "media.mp4").read_bytes() == clip_mp4
    assert info.content_type == "video/mp4"


def test_step_skips_a_fresh_source_but_refetches_a_missing_media_file(
    context: HearingContext, server: MediaServer, clip_mp4: bytes
) -> None:
    server.routes["/clip.mp4"] = Route(clip_mp4, "video/mp4")
    url = server.url("/clip.mp4")

    first = run(context, "acquire", source=url)
    second = run(context, "acquire", source=url)
    (context.store.hearing_dir(context.slug) / "media.mp4").unlink()
    third = run(context, "acquire", source=url)

    assert (first.skipped, second.skipped, third.skipped) == (False, True, False)
    assert first.fingerprint == second.fingerprint == third.fingerprint
    assert len(server.ranges_asked("/clip.mp4")) == 2


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_failing_download_is_tried_as_often_as_the_settings_say(
    server: MediaServer, tmp_path: Path
) -> None:
    server.routes["/busy.mp4"] = Route(b"try later", "text/plain", status=503)
    network = NetworkSettings(attempts=3, backoff_seconds=0)

    with pytest.raises(DownloadFailedError, match=r"failed after 3 tries \(.*HTTP 503\)"):
        acquire(server.url("/busy.mp4"), tmp_path, network=network)

    assert server.count("/busy.mp4") == 3


def test_a_refused_connection_is_tried_as_often_as_the_settings_say(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/meeting.mp4"
    with pytest.raises(DownloadFailedError, match="failed after 2 tries"):
        acquire(url, tmp_path, network=NetworkSettings(attempts=2, backoff_seconds=0))


def test_a_retry_after_longer_than_the_time_budget_ends_the_download_at_once(
    server: MediaServer, tmp_path: Path
) -> None:
    server.routes["/later.mp4"] = Route(b"", "text/plain", status=429, retry_after="600")
    network = NetworkSettings(attempts=5, retry_budget_seconds=60)

    with pytest.raises(DownloadFailedError, match="1 try; the 60 s retry budget ran out"):
        acquire(server.url("/later.mp4"), tmp_path, network=network)

    assert server.count("/later.mp4") == 1


def test_download_retries_stop_when_the_time_budget_is_spent(
    server: MediaServer, tmp_path: Path
) -> None:
    server.routes["/busy.mp4"] = Route(b"try later", "text/plain", status=503)
    # Waits of 0.2 s then 0.4 s fit in 1 s; the third (0.8 s) would not.
    network = NetworkSettings(attempts=10, backoff_seconds=0.2, retry_budget_seconds=1.0)

    with pytest.raises(DownloadFailedError, match="3 tries; the 1 s retry budget ran out"):
        acquire(server.url("/busy.mp4"), tmp_path, network=network)

    assert server.count("/busy.mp4") == 3


def test_ytdlp_retries_a_failing_video_as_often_as_the_settings_say(
    server: MediaServer, tmp_path: Path
) -> None:
    server.routes["/meeting"] = Route(
        b'<html><body><video src="/media/meeting.mp4"></video></body></html>', "text/html"
    )
    server.routes["/media/meeting.mp4"] = Route(b"down", "text/plain", status=503)
    network = NetworkSettings(attempts=3, backoff_seconds=0)

    with pytest.raises(DownloadFailedError, match="could not download"):
        acquire(server.url("/meeting"), tmp_path, network=network)

    assert server.count("/media/meeting.mp4") == 3  # yt-dlp's own retries: our number of tries
