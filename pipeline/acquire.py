"""Fetch a hearing's media into its folder: a local file, a direct media URL or a video site.

Direct files (NYC's Viebit MP4s are often 2+ GB) come through a resumable download: the
bytes land in `<name>.part`, a broken connection or a restarted run continues with an HTTP
Range request, and the file takes its final name only when complete. Viebit pages are
resolved to the direct MP4 and its `.vtt` captions; other sites go through yt-dlp. Both are
retried in one layer only (`HEARINGS_NETWORK__*`): the download by `pipeline.http`'s policy,
yt-dlp by its own retries set to the same number of tries.
"""

from __future__ import annotations

import fcntl
import mimetypes
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from pipeline.artifacts import file_sha256, write_atomic
from pipeline.audio import check_media_file, media_duration
from pipeline.captions import CAPTIONS_FILE
from pipeline.config import NetworkSettings
from pipeline.errors import HearingsError
from pipeline.http import (
    DEFAULT_RETRY,
    USER_AGENT,
    RetryPolicy,
    http_client,
    parse_retry_after,
)
from pipeline.schemas import SourceInfo
from pipeline.sources.viebit import (
    VIEBIT_MEDIA_BASE,
    ViebitError,
    ViebitMedia,
    ViebitPageUnavailable,
    is_viebit_page,
    resolve_viebit,
)

Progress = Callable[[int, int | None], None]
MEDIA_SUFFIXES = frozenset(
    {".mp4", ".m4a", ".m4v", ".mov", ".mkv", ".webm", ".mp3", ".wav", ".flac", ".ogg", ".opus"}
)
MEDIA_STEM = "media"
CAPTIONS_SUFFIX = ".vtt"
# ioctl asking a copy-on-write file system (Btrfs, XFS) to share the blocks of a copy.
FICLONE = 0x40049409


class AcquireError(HearingsError, RuntimeError):
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
    """A 5xx or 429 answer: worth another try, after the server's Retry-After if it gave one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


RETRIED = (httpx.TransportError, _IncompleteDownload, _ServerError)


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
    if response.status_code >= 500 or response.status_code == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise _ServerError(f"{url} answered HTTP {response.status_code}", retry_after)
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


def _server_retry_after(error: BaseException) -> float | None:
    return error.retry_after if isinstance(error, _ServerError) else None


def download_resumable(
    client: httpx.Client,
    url: str,
    destination: Path,
    progress: Progress | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> Fetched:
    """Download `url` to `destination`, continuing any `.part` file left by an earlier try."""
    part = destination.with_name(destination.name + ".part")
    retrying = retry.retrying(RETRIED, retry_after=_server_retry_after)
    try:
        fetched = retrying(_fetch_once, client, url, part, progress)
    except RETRIED as error:
        tries = retry.describe(retrying.statistics.get("attempt_number", 1))
        raise DownloadFailedError(
            f"download of {url} failed after {tries} ({error or type(error).__name__}); "
            "run again to continue where it stopped"
        ) from error
    part.replace(destination)
    return Fetched(destination, fetched.final_url, fetched.content_type)


def resolve_viebit_page(client: httpx.Client, page_url: str, media_base: str) -> ViebitMedia:
    """The direct media and captions URLs behind a Viebit `vod/?v=NAME.mp4` page, with
    discovery's resolver, its errors turned into acquire's."""
    try:
        return resolve_viebit(page_url, client, media_base)
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
    client: httpx.Client,
    url: str,
    folder: Path,
    progress: Progress | None,
    viebit_media_base: str,
    retry: RetryPolicy,
) -> Fetched:
    if is_viebit_page(url):
        media = resolve_viebit_page(client, url, viebit_media_base)
        url, captions_url = media.mp4_url, media.vtt_url
    else:
        captions_url = sibling_captions(url)
    if not fetch_captions(client, captions_url, folder / CAPTIONS_FILE):
        captions_url = None
    suffix = Path(urlsplit(url).path).suffix.lower() or ".bin"
    fetched = download_resumable(client, url, folder / f"{MEDIA_STEM}{suffix}", progress, retry)
    return Fetched(fetched.path, fetched.final_url, fetched.content_type, captions_url)


class _QuietLogger:
    """yt-dlp prints to the terminal by default; errors come back as exceptions."""

    def debug(self, message: str) -> None: ...

    def info(self, message: str) -> None: ...

    def warning(self, message: str) -> None: ...

    def error(self, message: str) -> None: ...


def _ytdlp_options(
    folder: Path, progress: Progress | None, network: NetworkSettings
) -> dict[str, object]:
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
        # yt-dlp is its downloads' only retry layer: the same number of tries and waits.
        "retries": network.attempts - 1,
        "fragment_retries": network.attempts - 1,
        "extractor_retries": network.attempts - 1,
        "retry_sleep_functions": {
            "http": _retry_wait(network),
            "fragment": _retry_wait(network),
            "extractor": _retry_wait(network),
        },
        "socket_timeout": network.read_timeout_seconds,
        "http_headers": {"User-Agent": USER_AGENT},
    }


def _retry_wait(network: NetworkSettings) -> Callable[[int], float]:
    """yt-dlp calls it as `sleep(n=retries_so_far - 1)`; our policy counts tries from 1."""
    policy = RetryPolicy.from_settings(network)
    return lambda n: policy.delay(None, n + 1)


def download_with_ytdlp(
    url: str,
    folder: Path,
    progress: Progress | None = None,
    network: NetworkSettings | None = None,
) -> Fetched:
    """Best audio (or best) of a page yt-dlp understands, plus English captions if any."""
    import yt_dlp  # 0.4 s of imports that only a site download needs

    options = _ytdlp_options(folder, progress, network or NetworkSettings())
    try:
        with yt_dlp.YoutubeDL(options) as downloader:
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


def bring_captions(
    client: httpx.Client | None, captions: str | None, folder: Path, network: NetworkSettings
) -> bool:
    """Store `captions` (URL or local path) as the hearing's captions file when it is there."""
    if not captions:
        return False
    if urlsplit(captions).scheme in {"http", "https"}:
        with nullcontext(client) if client else http_client(network) as http:
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
    viebit_media_base: str = VIEBIT_MEDIA_BASE,
    network: NetworkSettings | None = None,
) -> SourceInfo:
    """Bring the media of `source` (http(s) URL or local path) into `folder`, with its
    captions: `captions` (URL or path) when given, else those the source offers or the
    `.vtt` of the same name beside it."""
    network = network or NetworkSettings()
    check_media_source(source)
    folder.mkdir(parents=True, exist_ok=True)
    if check_source(source) == "file":
        fetched = _local(Path(source), folder)
        captions = captions or sibling_captions(source)
    else:
        with nullcontext(client) if client else http_client(network) as http:
            if is_viebit_page(source) or _has_media_suffix(source):
                retry = RetryPolicy.from_settings(network)
                fetched = _direct(http, source, folder, progress, viebit_media_base, retry)
            else:
                fetched = download_with_ytdlp(source, folder, progress, network)
    if captions and bring_captions(client, captions, folder, network):
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

