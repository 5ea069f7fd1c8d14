"""Viebit pages → direct MP4 and captions, against loopback pages shaped like the real ones."""

from __future__ import annotations

import httpx
import pytest

from pipeline.sources.viebit import (
    VIEBIT_MEDIA_BASE,
    ViebitError,
    is_viebit_page,
    media_from_page,
    resolve_viebit,
)
from tests.support.legistar_server import LegistarServer

NAME = "NYCC-PV-250-16_241001-111124.mp4"


def test_resolves_the_direct_files_from_the_player_hash(
    legistar_server: LegistarServer, page_client: httpx.Client
) -> None:
    media = resolve_viebit(legistar_server.page_url(NAME), page_client)
    assert len(media.video_hash) == 16
    folder = f"{VIEBIT_MEDIA_BASE}/{media.video_hash}/NYCC-PV-250-16_241001-111124"
    assert media.mp4_url == f"{folder}.mp4"
    assert media.vtt_url == f"{folder}.vtt"


def test_a_page_without_a_player_means_the_video_is_not_up(
    legistar_server: LegistarServer, page_client: httpx.Client
) -> None:
    legistar_server.state.pages_without_player.add(NAME)
    with pytest.raises(ViebitError, match="video not up yet"):
        resolve_viebit(legistar_server.page_url(NAME), page_client)


def test_a_missing_page_or_file_name_is_a_clear_error(
    legistar_server: LegistarServer, page_client: httpx.Client
) -> None:
    legistar_server.state.missing_pages.add(NAME)
    with pytest.raises(ViebitError, match="answered 404"):
        resolve_viebit(legistar_server.page_url(NAME), page_client)
    with pytest.raises(ViebitError, match="no v=<file name>"):
        resolve_viebit("https://councilnyc.viebit.com/vod/?s=true", page_client)


def test_media_base_is_configurable() -> None:
    html = '<script src="//councilnyc.viebit.com/player.php?hash=ABCDEFGHIJKLMNOP&x=1">'
    media = media_from_page(f"https://councilnyc.viebit.com/vod/?v={NAME}", html, "http://h/c")
    assert media.mp4_url == "http://h/c/ABCDEFGHIJKLMNOP/NYCC-PV-250-16_241001-111124.mp4"


@pytest.mark.parametrize(
    ("url", "is_page"),
    [
        # What Legistar's EventVideoPath holds for NYC hearings.
        ("https://councilnyc.viebit.com/vod/?s=true&v=NYCC-PV-250-16_241001-111124.mp4", True),
        ("https://councilnyc.viebit.com/vod?v=NYCC-PV-CH-CHA_241022-093744.mp4", True),
        ("http://councilnyc.viebit.com/vod/?v=N.mp4&s=true", True),
        # A page without its file name is still a Viebit page: resolving it says what is missing.
        ("https://councilnyc.viebit.com/vod/?s=true", True),
        # A mirror of the pages (the loopback servers of the tests) follows the same shape.
        ("http://127.0.0.1:8123/viebit/vod/?s=true&v=N.mp4", True),
        # The direct files a page points at are not pages.
        ("https://vbfast-vod.viebit.com/counciln/a1b2c3d4/NYCC-PV-250-16_241001-111124.mp4", False),
        ("https://vbfast-vod.viebit.com/counciln/a1b2c3d4/NYCC-PV-250-16_241001-111124.vtt", False),
        ("https://councilnyc.viebit.com/player.php?hash=a1b2c3d4", False),
        # Other sites, including ones with a v= parameter.
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", False),
        ("https://example.org/video?v=meeting.mp4", False),
        ("ftp://councilnyc.viebit.com/vod/?v=N.mp4", False),
    ],
)
def test_viebit_page_forms(url: str, is_page: bool) -> None:
    assert is_viebit_page(url) is is_page


def test_discovery_and_acquire_share_one_viebit_rule() -> None:
    from pipeline import acquire
    from pipeline.sources import discovery

    assert acquire.is_viebit_page is discovery.is_viebit_page is is_viebit_page
