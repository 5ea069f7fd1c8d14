"""The acquire stage: a hearing's media (and captions) into its folder, as `source.json`.

Its fingerprint is the source and its captions (and, for whichever are local files, their
size and modification time, so a replaced file or a changed captions file is read again);
the stored `source.json` only counts while the media file it names is still in the folder.
Acquire brings the captions itself: those given, else what the source offers or the `.vtt`
of the same name beside a local file or a media URL.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.acquire import acquire, check_source, sibling_captions
from pipeline.artifacts import file_sha256
from pipeline.captions import CAPTIONS_FILE
from pipeline.schemas import SourceInfo
from pipeline.stages import Stage, StageCall, StageDeclaration

logger = logging.getLogger(__name__)


def local_file_stamp(source: str | None) -> list[int] | None:
    """Size and modification time of a local file, so that a replaced file is re-read."""
    path = Path(source) if source else None
    if path is None or "://" in str(source) or not path.is_file():
        return None
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def acquire_options(source: str, captions: str | None) -> list:
    """The source and its captions, with the size and time of whichever are local files."""
    if captions is None and check_source(source) == "file":
        captions = sibling_captions(source)
    return [source, captions, [local_file_stamp(source), local_file_stamp(captions)]]


def _captions_digest(folder: Path) -> str | None:
    captions = folder / CAPTIONS_FILE
    return file_sha256(captions) if captions.is_file() else None


def _acquire_stage(call: StageCall) -> SourceInfo:
    previous = call.read_optional("source", SourceInfo)
    captions_before = _captions_digest(call.folder)
    info = acquire(
        call.params["source"],
        call.folder,
        captions=call.params.get("captions"),
        progress=call.progress.transferred,
        network=call.settings.network,
    )
    media_changed = previous is not None and previous.sha256 != info.sha256
    if media_changed and captions_before and _captions_digest(call.folder) == captions_before:
        # New media under old captions: lines and speaker turns may now sit at the wrong
        # times, and nothing else would say so.
        logger.warning(
            "%s: the media changed but its captions did not; if they no longer match, "
            "give the new ones with --captions",
            call.context.slug,
        )
    return info


def _source_summary(info: SourceInfo) -> str:
    minutes = f"{info.duration_seconds / 60:.1f} min" if info.duration_seconds else "? min"
    return f"{info.media_file}: {info.size_bytes / 1e6:.1f} MB, {minutes}"


ACQUIRE_STAGE = StageDeclaration(
    name=Stage.ACQUIRE,
    # 2: captions (and their file's stamp) in the fingerprint; acquire brings them itself.
    version="2",
    inputs=(),
    output="source",
    contract=SourceInfo,
    compute=_acquire_stage,
    summary=_source_summary,
    options=lambda call: acquire_options(call.params["source"], call.params.get("captions")),
    still_valid=lambda call, info: (call.folder / info.media_file).is_file(),
)
