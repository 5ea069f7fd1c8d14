"""Viebit video pages (NYC Council): from `EventVideoPath` to the direct MP4 and captions.

The page `https://councilnyc.viebit.com/vod/?s=true&v=NAME.mp4` embeds
`player.php?hash=HASH`; the files sit at `<media base>/HASH/NAME.mp4` and `.vtt`.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import BaseModel

from pipeline.errors import HearingsError

VIEBIT_MEDIA_BASE = "https://vbfast-vod.viebit.com/counciln"
PLAYER_HASH = re.compile(r"player\.php\?hash=([A-Za-z0-9]+)")


class ViebitError(HearingsError, RuntimeError):
    """The page could not be read or does not (yet) name its video file."""


class ViebitPageUnavailable(ViebitError):
    """The page itself could not be fetched (network error or an HTTP error status)."""


class ViebitMedia(BaseModel):
    page_url: str
    video_hash: str
    mp4_url: str
    vtt_url: str


def is_viebit_page(url: str) -> bool:
    """A Viebit video page — `…/vod/?s=true&v=NAME.mp4`, on councilnyc.viebit.com or a mirror
    of it — as opposed to the direct files it points at or another video site's page."""
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and parts.path.rstrip("/").endswith("/vod")


def video_file_stem(page_url: str) -> str:
    """'NYCC-PV-250-16_241001-111124' from '...vod/?s=true&v=NYCC-PV-250-16_241001-111124.mp4'."""
    names = parse_qs(urlsplit(page_url).query).get("v")
    if not names or not names[0].strip():
        raise ViebitError(f"Viebit page URL {page_url} has no v=<file name> parameter")
    return PurePosixPath(names[0].strip()).stem


def media_from_page(page_url: str, html: str, media_base: str = VIEBIT_MEDIA_BASE) -> ViebitMedia:
    stem = video_file_stem(page_url)
    found = PLAYER_HASH.search(html)
    if found is None:
        raise ViebitError(f"Viebit page {page_url} has no player.php?hash=...: video not up yet")
    video_hash = found.group(1)
    folder = f"{media_base.rstrip('/')}/{video_hash}/{stem}"
    return ViebitMedia(
        page_url=page_url, video_hash=video_hash, mp4_url=f"{folder}.mp4", vtt_url=f"{folder}.vtt"
    )


def resolve_viebit(
    page_url: str, client: httpx.Client, media_base: str = VIEBIT_MEDIA_BASE
) -> ViebitMedia:
    """Fetch the page and return the direct MP4 and `.vtt` caption URLs it points at."""
    video_file_stem(page_url)  # reject a URL with no file name before any network call
    try:
        response = client.get(page_url, follow_redirects=True)
    except httpx.HTTPError as error:
        raise ViebitPageUnavailable(
            f"cannot fetch Viebit page {page_url}: {type(error).__name__}"
        ) from None
    if response.status_code != 200:
        raise ViebitPageUnavailable(f"Viebit page {page_url} answered {response.status_code}")
    return media_from_page(page_url, response.text, media_base)
