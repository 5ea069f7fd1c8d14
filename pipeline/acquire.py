"""Fetch a hearing's media into its folder: a local file, a direct media URL or a video site.

Direct files (NYC's Viebit MP4s are often 2+ GB) come through a resumable download: the
bytes land in `<name>.part`, a broken connection or a restarted run continues with an HTTP
Range request, and the file takes its final name only when complete. Viebit pages are
resolved to the direct MP4 and its `.vtt` captions; other sites go through yt-dlp.
"""

from __future__ import annotations

import fcntl
import mimetypes
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import yt_dlp
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from pipeline.artifacts import file_sha256, write_atomic
from pipeline.audio import check_media_file, media_duration
from pipeline.schemas import SourceInfo
from pipeline.sources.viebit import (
    VIEBIT_MEDIA_BASE,
    ViebitError,
    ViebitMedia,
    ViebitPageUnavailable,
    resolve_viebit,
)

Progress = Callable[[int, int | None], None]
MEDIA_SUFFIXES = frozenset(
    {".mp4", ".m4a", ".m4v", ".mov", ".mkv", ".webm", ".mp3", ".wav", ".flac", ".ogg", ".opus"}
)
DOWNLOAD_ATTEMPTS = 6
MEDIA_STEM = "media"
CAPTIONS_FILE = "captions.vtt"
CAPTIONS_SUFFIX = ".vtt"
# ioctl asking a copy-on-write file system (Btrfs, XFS) to share the blocks of a copy.
FICLONE = 0x40049409


class AcquireError(RuntimeError):
    """The source cannot be fetched; the message says why."""


class UnsupportedSourceError(AcquireError):
    """Not an http(s) URL nor an existing local file (file://, ftp://, a typo...)."""


class DownloadFailedError(AcquireError):
    """The server refused (4xx) or the transfer kept failing."""


class NotMediaError(AcquireError):
    """The URL serves a web page, not audio or video."""


class _IncompleteDownload(Exception):
    """The connection ended before the announced size: resume with a Range request."""


class _ServerError(Exception):
    """A 5xx answer: worth another try."""


@dataclass(frozen=True)
class ViebitSite:
    """Where Viebit pages live and where their direct files are served."""

    page_hosts: tuple[str, ...] = ("councilnyc.viebit.com",)
    media_base: str = VIEBIT_MEDIA_BASE


NYC_VIEBIT = ViebitSite()


@dataclass(frozen=True)
class Fetched:
    path: Path
    final_url: str
    content_type: str | None
    captions_url: str | None = None


def check_source(source: str) -> str:
    """'url' for http(s) URLs, 'file' for existing local files; anything else is refused."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in {"http", "https"}:
        return "url"
    if scheme and len(scheme) > 1:
        raise UnsupportedSourceError(
            f"{scheme}: sources are not accepted; give an http(s) URL or a local file path"
        )
    if not Path(source).is_file():
        raise UnsupportedSourceError(f"{source} is neither an http(s) URL nor an existing file")
    return "file"


def check_media_source(source: str) -> None:
    """Refuse, before anything is stored, a source that is not a URL or a local media file."""
    if check_source(source) == "file":
        check_media_file(Path(source))


def _part_size(part: Path) -> int:
    return part.stat().st_size if part.exists() else 0


def _check_response(response: httpx.Response, url: str) -> None:
    if response.status_code >= 500:
        raise _ServerError(f"{url} answered HTTP {response.status_code}")
    if response.status_code >= 400:
        raise DownloadFailedError(f"{url} answered HTTP {response.status_code}")
    content_type = response.headers.get("content-type", "")
    if content_type.startswith(("text/html", "application/xhtml")):
        raise NotMediaError(f"{url} is a web page ({content_type}), not a media file")


def _fetch_once(client: httpx.Client, url: str, part: Path, progress: Progress | None) -> Fetched:
    offset = _part_size(part)
    # Byte offsets only mean something for the bytes as stored: no transfer compression.
    headers = {"Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 416 and offset:
            return Fetched(part, str(response.url), None)  # the part file is already whole
        _check_response(response, url)
        if response.status_code != 206:
            offset = 0  # the server ignored the range: start over
        length = response.headers.get("content-length")
        total = offset + int(length) if length else None
        with part.open("ab" if offset else "wb") as handle:
            done = offset
            for chunk in response.iter_bytes():
                handle.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        if total is not None and done < total:
            raise _IncompleteDownload(f"{url}: got {done} of {total} bytes")
        return Fetched(part, str(response.url), response.headers.get("content-type"))


def download_resumable(
    client: httpx.Client, url: str, destination: Path, progress: Progress | None = None
) -> Fetched:
    """Download `url` to `destination`, continuing any `.part` file left by an earlier try."""
    part = destination.with_name(destination.name + ".part")
    fetch = retry(
        retry=retry_if_exception_type((httpx.TransportError, _IncompleteDownload, _ServerError)),
        stop=stop_after_attempt(DOWNLOAD_ATTEMPTS),
        wait=wait_exponential(multiplier=0.2, max=5),
        reraise=True,
    )(_fetch_once)
    try:
        fetched = fetch(client, url, part, progress)
    except (httpx.TransportError, _IncompleteDownload, _ServerError) as error:
        raise DownloadFailedError(
            f"download of {url} failed after {DOWNLOAD_ATTEMPTS} tries ({error}); "
            "run again to continue where it stopped"
        ) from error
    part.replace(destination)
    return Fetched(destination, fetched.final_url, fetched.content_type)


def is_viebit_page(url: str, site: ViebitSite) -> bool:
    parts = urlsplit(url)
    return parts.hostname in site.page_hosts and "v" in parse_qs(parts.query)


def resolve_viebit_page(client: httpx.Client, page_url: str, site: ViebitSite) -> ViebitMedia:
    """The direct media and captions URLs behind a Viebit `vod/?v=NAME.mp4` page, with
    discovery's resolver, its errors turned into acquire's."""
    try:
        return resolve_viebit(page_url, client, site.media_base)
    except ViebitPageUnavailable as error:
        raise DownloadFailedError(str(error)) from error
    except ViebitError as error:
        raise NotMediaError(str(error)) from error


def fetch_captions(client: httpx.Client, url: str, destination: Path) -> bool:
    """Store captions when the URL serves WebVTT; missing captions are not an error."""
    try:
        response = client.get(url)
    except httpx.TransportError:
        return False
    if response.status_code != 200 or not response.text.lstrip("\ufeff").startswith("WEBVTT"):
        return False
    write_atomic(destination, response.content)
    return True


def _direct(
    client: httpx.Client, url: str, folder: Path, progress: Progress | None, site: ViebitSite
) -> Fetched:
    if is_viebit_page(url, site):
        media = resolve_viebit_page(client, url, site)
        url, captions_url = media.mp4_url, media.vtt_url
    else:
        captions_url = sibling_captions(url)
    if not fetch_captions(client, captions_url, folder / CAPTIONS_FILE):
        captions_url = None
    suffix = Path(urlsplit(url).path).suffix.lower() or ".bin"
    fetched = download_resumable(client, url, folder / f"{MEDIA_STEM}{suffix}", progress)
    return Fetched(fetched.path, fetched.final_url, fetched.content_type, captions_url)


class _QuietLogger:
    """yt-dlp prints to the terminal by default; errors come back as exceptions."""

    def debug(self, message: str) -> None: ...

    def info(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...

    def error(self, message: str) -> None: ...


def _ytdlp_options(folder: Path, progress: Progress | None) -> dict[str, object]:
    def hook(status: dict[str, object]) -> None:
        if progress and status.get("status") in {"downloading", "finished"}:
            total = status.get("total_bytes") or status.get("total_bytes_estimate")
            progress(int(status.get("downloaded_bytes") or 0), int(total) if total else None)

    return {
        "format": "bestaudio/best",
        "outtmpl": str(folder / f"{MEDIA_STEM}.%(ext)s"),
        "noplaylist": True,
        "writesubtitles": True,
        "subtitleslangs": ["en.*", "en"],
        "subtitlesformat": "vtt",
        "progress_hooks": [hook],
        "logger": _QuietLogger(),
        "noprogress": True,
    }


def download_with_ytdlp(url: str, folder: Path, progress: Progress | None = None) -> Fetched:
    """Best audio (or best) of a page yt-dlp understands, plus English captions if any."""
    try:
        with yt_dlp.YoutubeDL(_ytdlp_options(folder, progress)) as downloader:
            info = downloader.extract_info(url, download=True)
    except yt_dlp.utils.DownloadError as error:
        message = str(error).removeprefix("ERROR: ")
        if "Unsupported URL" in message or "no video formats" in message.lower():
            raise NotMediaError(f"no media found at {url}") from error
        raise DownloadFailedError(f"could not download {url}: {message}") from error
    path = Path(info["requested_downloads"][0]["filepath"])
    captions_url = None
    for subtitle in (info.get("requested_subtitles") or {}).values():
        if subtitle.get("filepath") and Path(subtitle["filepath"]).exists():
            Path(subtitle["filepath"]).replace(folder / CAPTIONS_FILE)
            captions_url = subtitle.get("url")
            break
    return Fetched(path, info.get("webpage_url") or url, None, captions_url)


def sibling_captions(source: str) -> str:
    """Where captions that came with a media file or URL sit: the same name, `.vtt`."""
    if check_source(source) == "file":
        return str(Path(source).with_suffix(CAPTIONS_SUFFIX))
    parts = urlsplit(source)
    path = str(Path(parts.path).with_suffix(CAPTIONS_SUFFIX))
    return parts._replace(path=path, query="", fragment="").geturl()


def copy_media(source: Path, destination: Path) -> None:
    """A copy of `source` that no later change to it can reach (never a hard link): shared
    blocks where the file system can clone, a plain copy elsewhere; never a partial file."""
    part = destination.with_name(destination.name + ".part")
    try:
        with source.open("rb") as original, part.open("wb") as copy:
            try:
                fcntl.ioctl(copy.fileno(), FICLONE, original.fileno())
                cloned = True
            except OSError:
                cloned = False
        if not cloned:
            shutil.copyfile(source, part)
        part.replace(destination)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _local(path: Path, folder: Path) -> Fetched:
    destination = folder / f"{MEDIA_STEM}{path.suffix.lower()}"
    if destination.resolve() != path.resolve():
        copy_media(path, destination)
    return Fetched(destination, str(path.resolve()), None)


def bring_captions(client: httpx.Client | None, captions: str | None, folder: Path) -> bool:
    """Store `captions` (URL or local path) as the hearing's captions file when it is there."""
    if not captions:
        return False
    if urlsplit(captions).scheme in {"http", "https"}:
        with nullcontext(client) if client else http_client() as http:
            return fetch_captions(http, captions, folder / CAPTIONS_FILE)
    path = Path(captions)
    if not path.is_file():
        return False
    write_atomic(folder / CAPTIONS_FILE, path.read_bytes())
    return True


def acquire(
    source: str,
    folder: Path,
    *,
    captions: str | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    viebit: ViebitSite = NYC_VIEBIT,
) -> SourceInfo:
    """Bring the media of `source` (http(s) URL or local path) into `folder`, with its
    captions: `captions` (URL or path) when given, else those the source offers or the
    `.vtt` of the same name beside it."""
    check_media_source(source)
    folder.mkdir(parents=True, exist_ok=True)
    if check_source(source) == "file":
        fetched = _local(Path(source), folder)
        captions = captions or sibling_captions(source)
    else:
        with nullcontext(client) if client else http_client() as http:
            if is_viebit_page(source, viebit) or _has_media_suffix(source):
                fetched = _direct(http, source, folder, progress, viebit)
            else:
                fetched = download_with_ytdlp(source, folder, progress)
    if captions and bring_captions(client, captions, folder):
        fetched = Fetched(fetched.path, fetched.final_url, fetched.content_type, captions)
    return SourceInfo(
        url=source,
        final_url=fetched.final_url,
        media_file=fetched.path.name,
        size_bytes=fetched.path.stat().st_size,
        sha256=file_sha256(fetched.path),
        content_type=fetched.content_type or mimetypes.guess_type(fetched.path.name)[0],
        duration_seconds=media_duration(fetched.path),
        captions_url=fetched.captions_url,
    )


def _has_media_suffix(url: str) -> bool:
    return Path(urlsplit(url).path).suffix.lower() in MEDIA_SUFFIXES


def http_client() -> httpx.Client:
    return httpx.Client(
        follow_redirects=True,
        timeout=httpx.Timeout(30.0, read=120.0),
        headers={"User-Agent": "hearings/0.1 (+public hearing transcripts)"},
    )
