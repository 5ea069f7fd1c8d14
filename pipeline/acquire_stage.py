"""The acquire stage: a hearing's media (and captions) into its folder, as `source.json`.

Its fingerprint is the source itself (and, for a local file, its size and modification
time, so a replaced file is read again); the stored `source.json` only counts while the
media file it names is still in the folder.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.acquire import acquire, check_source, fetch_captions
from pipeline.artifacts import write_atomic
from pipeline.captions import CAPTIONS_FILE
from pipeline.config import NetworkSettings
from pipeline.http import http_client
from pipeline.schemas import SourceInfo
from pipeline.stages import Stage, StageCall, StageDeclaration


def local_file_stamp(source: str) -> list[int] | None:
    """Size and modification time of a local source, so that a replaced file is re-read."""
    path = Path(source)
    if "://" in source or not path.is_file():
        return None
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def bring_captions(folder: Path, captions: str | None, network: NetworkSettings) -> bool:
    """Store `captions` (URL or path) as the hearing's captions file unless it has one.

    The hearing record may know captions the source does not offer itself: a Viebit
    `.vtt` found by discovery beside the MP4, a `.vtt` file beside a local video.
    """
    target = folder / CAPTIONS_FILE
    if target.is_file() or not captions:
        return target.is_file()
    if "://" in captions:
        check_source(captions)  # http(s) only
        with http_client(network) as client:
            return fetch_captions(client, captions, target)
    path = Path(captions)
    if not path.is_file():
        return False
    write_atomic(target, path.read_bytes())
    return True


def _acquire_stage(call: StageCall) -> SourceInfo:
    network = call.settings.network
    source = call.params["source"]
    info = acquire(source, call.folder, progress=call.progress.transferred, network=network)
    bring_captions(call.folder, call.params.get("captions"), network)
    return info


def _source_summary(info: SourceInfo) -> str:
    minutes = f"{info.duration_seconds / 60:.1f} min" if info.duration_seconds else "? min"
    return f"{info.media_file}: {info.size_bytes / 1e6:.1f} MB, {minutes}"


ACQUIRE_STAGE = StageDeclaration(
    name=Stage.ACQUIRE,
    version="1",
    inputs=(),
    output="source",
    contract=SourceInfo,
    compute=_acquire_stage,
    summary=_source_summary,
    options=lambda call: [call.params["source"], local_file_stamp(call.params["source"])],
    still_valid=lambda call, info: (call.folder / info.media_file).is_file(),
)
