"""Hearings given by hand: a video URL or a local media file, and the captions beside it.

Turns what a user typed into a `ManualHearing` (normalized source, slug, captions, title)
before anything is stored; a local file that does not exist stops here, in one line.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from pipeline.artifacts import validate_slug
from pipeline.errors import HearingsError
from pipeline.records import ManualHearing
from pipeline.sources.slugs import slug_for_source, source_name


class SourceNotFound(HearingsError, FileNotFoundError):
    """A local media file given to ingest does not exist."""


class SlugTaken(HearingsError, ValueError):
    """A slug asked for a new hearing already names another one."""


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


def manual_hearing(
    source: str, title: str | None = None, slug: str | None = None
) -> ManualHearing:
    """The hearing record for a URL or file; its title defaults to the file name, its slug
    to the source's (`slug` names a new hearing's folder instead)."""
    normalized = normalize_source(source)
    slug = validate_slug(slug) if slug else slug_for_source(normalized)
    default_title = source_name(normalized).replace("-", " ").replace("_", " ")
    return ManualHearing(
        slug=slug,
        video_url=normalized,
        captions_url=sibling_captions(normalized),
        title=title or default_title or slug,
    )
