"""Viebit pages → direct MP4 and captions, against loopback pages shaped like the real ones."""

from __future__ import annotations

import httpx
import pytest

from pipeline.sources.viebit import (
    VIEBIT_MEDIA_BASE,
    ViebitError,
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
