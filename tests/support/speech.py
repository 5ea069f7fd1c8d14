"""Test audio and video: speech from espeak-ng, tones, silence and containers made with PyAV."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

RATE = 16_000


def require_espeak() -> str:
    binary = shutil.which("espeak-ng")
    if binary is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return binary


def speak(text: str, path: Path, voice: str = "en-us") -> Path:
    """A WAV file of `text` read by espeak-ng (22.05 kHz mono)."""
    subprocess.run([require_espeak(), "-v", voice, "-w", str(path), text], check=True)
    return path


def tone(seconds: float, frequency: float = 440.0) -> np.ndarray:
    times = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * frequency * times)).astype(np.float32)


def _video_stream(container: av.container.OutputContainer) -> av.VideoStream:
    stream = container.add_stream("mpeg4", rate=10)
    stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
    return stream


def _audio_stream(container: av.container.OutputContainer, codec: str) -> av.AudioStream:
    stream = container.add_stream(codec, rate=RATE)
    stream.layout = "mono"
    return stream


def _encode_video(container: av.container.OutputContainer, stream, seconds: float) -> None:
    for index in range(int(seconds * 10)):
        pixels = np.full((48, 64, 3), index * 10 % 255, np.uint8)
        for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def _encode_audio(container: av.container.OutputContainer, stream, samples: np.ndarray) -> None:
    planar = np.ascontiguousarray(samples[None, :], dtype=np.float32)
    frame_format = "fltp" if stream.codec_context.name == "aac" else "s16"
    for start in range(0, planar.shape[1], 1024):
        chunk = planar[:, start : start + 1024]
        if frame_format == "s16":
            chunk = (chunk * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(chunk, format=frame_format, layout="mono")
        frame.sample_rate, frame.pts = RATE, start
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def make_mp4(path: Path, samples: np.ndarray | None, seconds: float = 2.0) -> Path:
    """An MP4 with a small MPEG-4 video track and, unless `samples` is None, AAC audio."""
    with av.open(str(path), "w") as container:
        video = _video_stream(container)
        audio = _audio_stream(container, "aac") if samples is not None else None
        _encode_video(container, video, seconds)
        if audio is not None and samples is not None:
            _encode_audio(container, audio, samples)
    return path


def make_flac(path: Path, samples: np.ndarray) -> Path:
    with av.open(str(path), "w") as container:
        _encode_audio(container, _audio_stream(container, "flac"), samples)
    return path


def truncate(path: Path, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
