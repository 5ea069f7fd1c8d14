"""Hearings given by hand: a video URL or a local media file, and the captions beside it.

Turns what a user typed into a `ManualHearing` (normalized source, slug, captions, title)
before anything is stored; a local file that does not exist stops here, in one line.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlparse

from pipeline.artifacts import slugify
from pipeline.errors import HearingsError
from pipeline.records import ManualHearing

SOURCE_NAME_LENGTH = 60


class SourceNotFound(HearingsError, FileNotFoundError):
    """A local media file given to ingest does not exist."""


def is_url(source: str) -> bool:
    return urlparse(source).scheme in {"http", "https"}


def normalize_source(source: str) -> str:
    """A URL as given, or a local file as an absolute path (which must exist)."""
    if is_url(source):
        return source
    path = Path(source).expanduser()
    if not path.is_file():
        raise SourceNotFound(f"{source}: no such media file")
    return str(path.resolve())


def sibling_captions(source: str) -> str | None:
    """`talk.vtt` beside a local `talk.mp4`: the captions that came with the file."""
    if is_url(source):
        return None
    captions = Path(source).with_suffix(".vtt")
    return str(captions) if captions.is_file() else None


def slug_for_source(source: str) -> str:
    """The same URL or file always gives the same slug: a readable name plus a short hash."""
    normalized = normalize_source(source)
    if is_url(normalized):
        parsed = urlparse(normalized)
        name = Path(parsed.path).stem or parsed.netloc
    else:
        name = Path(normalized).stem
    digest = hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:8]
    return f"{slugify(name, SOURCE_NAME_LENGTH)}-{digest}"


def manual_hearing(source: str, title: str | None = None) -> ManualHearing:
    """The hearing record for a URL or file; its title defaults to the file name."""
    normalized = normalize_source(source)
    slug = slug_for_source(normalized)
    default_title = Path(urlparse(normalized).path).stem.replace("-", " ").replace("_", " ")
    return ManualHearing(
        slug=slug,
        video_url=normalized,
        captions_url=sibling_captions(normalized),
        title=title or default_title or slug,
    )
