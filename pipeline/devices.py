"""Which device a model runs on: one rule for speech recognition and diarization alike."""

from __future__ import annotations

import ctranslate2


def resolve_device(device: str) -> str:
    """'cpu' or 'cuda' as set; 'auto' is 'cuda' when a CUDA device is visible, else 'cpu'.

    CTranslate2 asks the CUDA driver directly, without loading torch, so deciding costs nothing
    on a machine without a GPU; torch (pyannote) sees the same devices through the same driver."""
    if device != "auto":
        return device
    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
