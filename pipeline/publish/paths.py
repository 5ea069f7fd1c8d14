"""Files of the site are named only by slugs, and no name may lead outside the site folder."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

from pipeline.artifacts import SLUG_PATTERN
from pipeline.errors import HearingsError


class UnsafePath(HearingsError, ValueError):
    """A page name that is not a slug, or that would leave the output folder."""


def inside(root: Path, *slugs: str) -> Path:
    """`root/slug/…`, refusing anything that is not a plain slug or resolves elsewhere."""
    for slug in slugs:
        if not SLUG_PATTERN.match(slug):
            raise UnsafePath(f"refusing page name {slug!r}: not a slug")
    path = root.joinpath(*slugs)
    if not path.resolve().is_relative_to(root.resolve()):
        raise UnsafePath(f"refusing {path}: outside {root}")
    return path


def write_text(path: Path, content: str) -> None:
    """Write through a temporary file and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def staging_folder(root: Path, slug: str) -> Path:
    """A hidden folder beside the live one (same file system, so the swap is a rename)."""
    return Path(tempfile.mkdtemp(dir=root, prefix=f".build-{slug}-"))


def swap_in(built: Path, live: Path) -> None:
    """Replace `live` with `built`: two renames, the old copy removed only afterwards."""
    if not live.exists():
        os.rename(built, live)
        return
    retired = live.with_name(f".old-{live.name}-{uuid.uuid4().hex[:8]}")
    os.rename(live, retired)
    os.rename(built, live)
    shutil.rmtree(retired, ignore_errors=True)


def remove_folder(live: Path) -> None:
    """Take a folder off the site: renamed away first, so it vanishes at once."""
    if not live.exists():
        return
    retired = live.with_name(f".old-{live.name}-{uuid.uuid4().hex[:8]}")
    os.rename(live, retired)
    shutil.rmtree(retired, ignore_errors=True)
