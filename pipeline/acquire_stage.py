"""The acquire stage: a hearing's media (and captions) into its folder, as `source.json`.

Its fingerprint is the source and its captions (and, for whichever are local files, their
size and modification time, so a replaced file or a changed captions file is read again);
the stored `source.json` only counts while the media file it names is still in the folder.
Acquire brings the captions itself: those given, else what the source offers or the `.vtt`
of the same name beside a local file or a media URL.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.acquire import acquire, check_source, sibling_captions
from pipeline.schemas import SourceInfo
from pipeline.stages import Stage, StageCall, StageDeclaration


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


def _acquire_stage(call: StageCall) -> SourceInfo:
    return acquire(
        call.params["source"],
        call.folder,
        captions=call.params.get("captions"),
        progress=call.progress.transferred,
        network=call.settings.network,
    )


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
