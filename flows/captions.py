"""Captions the hearing record knows of (a Viebit `.vtt`, a file beside a local video).

The acquire stage stores captions only when its source offers them itself; a hearing found
on Legistar points at the direct MP4 with its `.vtt` URL beside it, and a local video may
come with its captions file. Either is brought into the hearing folder for the captions path.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.acquire import CAPTIONS_FILE, fetch_captions
from pipeline.artifacts import write_atomic
from pipeline.http import http_client
from pipeline.sources.manual import is_url
from pipeline.stages import HearingContext


def bring_captions(context: HearingContext, captions: str | None) -> bool:
    """Store `captions` (URL or path) as the hearing's captions file unless it has one."""
    target = context.store.hearing_dir(context.slug) / CAPTIONS_FILE
    if target.is_file() or not captions:
        return target.is_file()
    if is_url(captions):
        with http_client(context.settings.network) as client:
            return fetch_captions(client, captions, target)
    path = Path(captions)
    if not path.is_file():
        return False
    write_atomic(target, path.read_bytes())
    return True
