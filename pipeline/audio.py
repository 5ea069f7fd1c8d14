"""Decode any media file to the 16 kHz mono `audio.wav` that ASR and diarization read.

PyAV (which faster-whisper already brings, with its own FFmpeg) decodes and resamples
in a stream, so a 3-hour hearing never sits in memory as floats.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from pydantic import Field

from pipeline.artifacts import file_sha256
from pipeline.errors import HearingsError
from pipeline.schemas import Contract, SourceInfo
from pipeline.stages import Stage, StageCall, StageDeclaration

SAMPLE_RATE = 16_000
# Long hearings reach the recognizer and the diarizer in pieces of about this length, cut
# at the quietest moment near each boundary, so memory stays flat however long they are.
CHUNK_SECONDS = 30 * 60.0
CUT_SEARCH_SECONDS = 10.0
QUIET_FRAME_SECONDS = 0.1
AUDIO_FILE = "audio.wav"
# A decoded stream this much shorter than its container announces was cut off.
TRUNCATION_TOLERANCE = 0.9


class AudioInfo(Contract):
    """`audio.json`: the decoded audio file next to it."""

    file: str = Field(description="file name inside the hearing folder")
    sample_rate: int = Field(gt=0)
    duration_seconds: float = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class AudioError(HearingsError, ValueError):
    """The media cannot give usable audio; the message says why."""


class EmptyMediaError(AudioError):
    """Zero bytes, or an audio stream without samples."""


class NoAudioStreamError(AudioError):
    """A container with video or data only."""


class NotMediaFileError(AudioError):
    """A local file that no decoder reads as audio (a text file, a system file...)."""


class TruncatedMediaError(AudioError):
    """Cut off (an interrupted download) or not media at all."""


def media_duration(path: Path) -> float | None:
    """The duration a container announces, or None when it does not say or cannot be read."""
    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                return container.duration / av.time_base
            stream = next(iter(container.streams.audio), None)
            if stream is not None and stream.duration is not None and stream.time_base:
                return float(stream.duration * stream.time_base)
    except (av.error.FFmpegError, OSError):
        return None
    return None


def check_media_file(path: Path) -> None:
    """Refuse a local file that is not audio or video, before anything is stored for it."""
    try:
        with av.open(str(path)) as container:
            if container.streams.audio:
                return
            reason = "it has no audio stream"
    except (av.error.FFmpegError, OSError) as error:
        reason = getattr(error, "strerror", None) or str(error)
    raise NotMediaFileError(f"{path} is not an audio or video file ({reason})")


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists() or path.stat().st_size == 0:
        raise EmptyMediaError(f"{path.name} is empty (0 bytes): the download did not complete")
    try:
        return av.open(str(path))
    except av.error.FFmpegError as error:
        raise TruncatedMediaError(
            f"{path.name} cannot be read as media ({error.strerror}); "
            "it is probably truncated or not a media file"
        ) from error


def _announced_audio_seconds(stream: av.AudioStream) -> float | None:
    """The audio stream's own duration (the container's may be the longer video's)."""
    if stream.duration is None or stream.time_base is None:
        return None
    return float(stream.duration * stream.time_base)


def _decode_into(container: av.container.InputContainer, writer: wave.Wave_write) -> int:
    """Decode the first audio stream into `writer`; returns the number of samples written."""
    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    samples = 0
    for frame in container.decode(stream):
        for resampled in resampler.resample(frame):
            chunk = resampled.to_ndarray().reshape(-1)
            writer.writeframes(chunk.astype("<i2").tobytes())
            samples += chunk.size
    for resampled in resampler.resample(None):
        chunk = resampled.to_ndarray().reshape(-1)
        writer.writeframes(chunk.astype("<i2").tobytes())
        samples += chunk.size
    return samples


def extract_audio(media: Path, destination: Path) -> AudioInfo:
    """Write `destination` (16 kHz mono 16-bit WAV) from the first audio stream of `media`."""
    with _open(media) as container:
        if not container.streams.audio:
            raise NoAudioStreamError(f"{media.name} has no audio stream (video or data only)")
        announced = _announced_audio_seconds(container.streams.audio[0])
        partial = destination.with_name(destination.name + ".part")
        try:
            with wave.open(str(partial), "wb") as writer:
                writer.setnchannels(1)
                writer.setsampwidth(2)
                writer.setframerate(SAMPLE_RATE)
                samples = _decode_into(container, writer)
        except av.error.FFmpegError as error:
            partial.unlink(missing_ok=True)
            raise TruncatedMediaError(f"{media.name} stops mid-stream: {error.strerror}") from error
        except BaseException:  # a full disk, an interrupt: no half-written audio stays
            partial.unlink(missing_ok=True)
            raise
    duration = samples / SAMPLE_RATE
    _check_complete(media, partial, duration, announced)
    partial.replace(destination)
    return AudioInfo(
        file=destination.name,
        sample_rate=SAMPLE_RATE,
        duration_seconds=duration,
        sha256=file_sha256(destination),
    )


def _check_complete(media: Path, partial: Path, duration: float, announced: float | None) -> None:
    if duration == 0:
        partial.unlink(missing_ok=True)
        raise EmptyMediaError(f"{media.name} has an audio stream with no samples")
    if announced and duration < announced * TRUNCATION_TOLERANCE:
        partial.unlink(missing_ok=True)
        raise TruncatedMediaError(
            f"{media.name} is truncated: it announces {announced:.1f} s "
            f"but only {duration:.1f} s of audio could be decoded"
        )


def load_audio(path: Path) -> np.ndarray:
    """Read a WAV written by `extract_audio` as float32 samples in [-1, 1]."""
    with wave.open(str(path), "rb") as reader:
        if reader.getframerate() != SAMPLE_RATE or reader.getnchannels() != 1:
            raise AudioError(f"{path.name} is not 16 kHz mono: re-run the audio stage")
        frames = reader.readframes(reader.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0


@dataclass(frozen=True)
class AudioChunk:
    """`samples` (16 kHz mono float32) starting `offset` seconds into the hearing."""

    offset: float
    samples: np.ndarray


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as reader:
        return reader.getnframes() / reader.getframerate()


def _quietest_cut(samples: np.ndarray, low: int) -> int:
    """The start of the quietest frame of `samples` at or after index `low`."""
    frame = int(QUIET_FRAME_SECONDS * SAMPLE_RATE)
    region = samples[low:]
    frames = len(region) // frame
    if frames == 0:
        return len(samples)
    energy = np.square(region[: frames * frame].reshape(frames, frame)).mean(axis=1)
    return low + int(np.argmin(energy)) * frame


def read_chunks(
    path: Path,
    chunk_seconds: float = CHUNK_SECONDS,
    search_seconds: float = CUT_SEARCH_SECONDS,
) -> Iterator[AudioChunk]:
    """The audio of a WAV written by `extract_audio`, piece by piece: each about
    `chunk_seconds` long and cut at the quietest moment within `search_seconds` of its end,
    so no word is split between pieces. One piece (plus the search margin) is in memory."""
    search_seconds = min(search_seconds, chunk_seconds / 4)
    chunk, search = int(chunk_seconds * SAMPLE_RATE), int(search_seconds * SAMPLE_RATE)
    with wave.open(str(path), "rb") as reader:
        if reader.getframerate() != SAMPLE_RATE or reader.getnchannels() != 1:
            raise AudioError(f"{path.name} is not 16 kHz mono: re-run the audio stage")
        carried = np.zeros(0, dtype=np.float32)
        offset = 0
        while True:
            wanted = chunk + search - len(carried)
            frames = reader.readframes(max(0, wanted))
            fresh = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
            samples = np.concatenate([carried, fresh]) if len(carried) else fresh
            if len(fresh) < wanted:  # the end of the file
                if len(samples):
                    yield AudioChunk(offset / SAMPLE_RATE, samples)
                return
            cut = _quietest_cut(samples, chunk - search)
            yield AudioChunk(offset / SAMPLE_RATE, samples[:cut])
            carried, offset = samples[cut:].copy(), offset + cut


def load_stage_audio(folder: Path) -> np.ndarray:
    """The hearing's `audio.wav`, as the audio stage wrote it."""
    return load_audio(folder / AUDIO_FILE)


def _audio_stage(call: StageCall) -> AudioInfo:
    source = call.read("source", SourceInfo)
    return extract_audio(call.folder / source.media_file, call.folder / AUDIO_FILE)


AUDIO_STAGE = StageDeclaration(
    name=Stage.AUDIO,
    version="1",
    inputs=("source",),
    output="audio",
    contract=AudioInfo,
    compute=_audio_stage,
    summary=lambda info: f"{info.duration_seconds:.1f} s of audio",
    options=lambda _call: {"sample_rate": SAMPLE_RATE, "truncated_below": TRUNCATION_TOLERANCE},
    still_valid=lambda call, info: (call.folder / info.file).is_file(),
)
