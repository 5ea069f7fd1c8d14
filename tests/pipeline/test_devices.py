"""One device rule for every model stage."""

from __future__ import annotations

import ctranslate2
import pytest

from pipeline.devices import resolve_device


@pytest.mark.parametrize("device", ["cpu", "cuda"])
def test_a_device_that_is_set_is_kept(device: str) -> None:
    assert resolve_device(device) == device


def test_auto_is_cuda_exactly_when_a_cuda_device_is_visible() -> None:
    expected = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    assert resolve_device("auto") == expected


def test_speech_recognition_and_diarization_decide_alike() -> None:
    from pipeline import asr, diarization

    assert asr.resolve_device is diarization.resolve_device is resolve_device
