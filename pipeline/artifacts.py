"""The artifact store: `<root>/<hearing-slug>/<name>.json`, one file per stage output.

Each file is `{"header": {stage, stage_version, fingerprint, created}, "data": ...}` and
is written atomically (temporary file in the same folder, fsync, rename), so a reader
sees either the previous artifact or the new one, never half a file. A stage whose
artifact carries the fingerprint it would compute now can be skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from pipeline.errors import HearingsError

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")
NOT_SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")
ARTIFACT_NAME_PATTERN = re.compile(r"^[a-z][a-z_]*$")

ContractT = TypeVar("ContractT", bound=BaseModel)


class ArtifactError(HearingsError, RuntimeError):
    """An artifact is missing, unreadable or does not match its contract."""


class InvalidSlugError(ArtifactError, ValueError):
    """A hearing slug that cannot name a folder (a typo on the command line, most often)."""


class ArtifactHeader(BaseModel):
    stage: str
    stage_version: str
    fingerprint: str
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))


def fingerprint(*parts: Any) -> str:
    """A stable hash of a stage's inputs and settings (pydantic models, dicts, strings...)."""
    normalized = [
        part.model_dump(mode="json") if isinstance(part, BaseModel) else part for part in parts
    ]
    canonical = json.dumps(normalized, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, content: bytes) -> None:
    """Replace `path` with `content` so that no reader ever sees a partial file; it gets
    the permissions any new file gets (the umask), like the media beside it, not mkstemp's
    owner-only 0600: workers running as other users share the data folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_partial_files(folder: Path, *, keep_downloads: bool) -> list[str]:
    """Delete what an interrupted run left half-written (`*.part`, write_atomic's `.*.tmp`);
    with `keep_downloads`, `media.*.part` stays: a download continues from it."""
    removed = []
    for path in [*folder.glob("*.part"), *folder.glob(".*.tmp")]:
        if keep_downloads and path.name.startswith("media.") and path.suffix == ".part":
            continue
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return sorted(removed)


def slugify(text: str, limit: int) -> str:
    """Lowercase letters and digits joined by '-', at most `limit` characters ('hearing'
    when nothing is left)."""
    words = NOT_SLUG_CHARACTERS.sub("-", text.lower()).strip("-")
    return words[:limit].rstrip("-") or "hearing"


def validate_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug):
        raise InvalidSlugError(
            f"invalid hearing slug {slug!r}: use lowercase letters, digits and '-'"
        )
    return slug


class ArtifactStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def hearing_dir(self, slug: str) -> Path:
        return self.root / validate_slug(slug)

    def path(self, slug: str, name: str) -> Path:
        if not ARTIFACT_NAME_PATTERN.match(name):
            raise ValueError(f"invalid artifact name {name!r}")
        return self.hearing_dir(slug) / f"{name}.json"

    def write(
        self,
        slug: str,
        name: str,
        data: BaseModel,
        *,
        stage_version: str,
        input_fingerprint: str,
    ) -> Path:
        header = ArtifactHeader(
            stage=name, stage_version=stage_version, fingerprint=input_fingerprint
        )
        document = {"header": header.model_dump(mode="json"), "data": data.model_dump(mode="json")}
        path = self.path(slug, name)
        write_atomic(path, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
        return path

    def _load(self, slug: str, name: str) -> dict[str, Any]:
        path = self.path(slug, name)
        if not path.exists():
            raise ArtifactError(f"{path} does not exist: run the stage that writes {name!r} first")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ArtifactError(f"{path} is not valid JSON: {error}") from error
        if not isinstance(document, dict) or "header" not in document or "data" not in document:
            raise ArtifactError(f"{path} has no header/data sections")
        return document

    def read(self, slug: str, name: str, contract: type[ContractT]) -> ContractT:
        document = self._load(slug, name)
        try:
            return contract.model_validate(document["data"])
        except ValidationError as error:
            raise ArtifactError(f"{self.path(slug, name)} breaks its contract: {error}") from error

    def header(self, slug: str, name: str) -> ArtifactHeader | None:
        """The header of an artifact, or None when it is absent or unreadable."""
        try:
            return ArtifactHeader.model_validate(self._load(slug, name)["header"])
        except (ArtifactError, ValidationError):
            return None

    def is_fresh(self, slug: str, name: str, input_fingerprint: str) -> bool:
        header = self.header(slug, name)
        return header is not None and header.fingerprint == input_fingerprint

    def remove(self, slug: str, name: str) -> None:
        self.path(slug, name).unlink(missing_ok=True)
