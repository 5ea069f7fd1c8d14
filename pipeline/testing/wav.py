"""16-bit mono WAV files from float samples, as the audio stage writes them."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from pipeline.audio import SAMPLE_RATE


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> Path:
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path
