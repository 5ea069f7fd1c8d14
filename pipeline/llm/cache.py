"""Validated replies on disk, keyed by (model, prompt file hash, messages, schema)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Protocol

from pipeline.artifacts import write_atomic


class Prompt(Protocol):
    """A versioned prompt file (see pipeline.chapters.prompts)."""

    version: str
    sha256: str

    def render(self, variables: dict[str, Any]) -> list[dict[str, str]]: ...


class ReplyCache:
    """One small JSON file per key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        path = self._path(key)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def put(self, key: str, content: str) -> None:
        write_atomic(self._path(key), content.encode("utf-8"))


def cache_key(model: str, prompt: Prompt, messages: list[dict[str, str]], schema: type) -> str:
    schema_json = json.dumps(schema.model_json_schema(), sort_keys=True)
    canonical = json.dumps([model, prompt.sha256, messages, schema_json], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
