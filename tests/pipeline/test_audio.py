"""audio: any container to 16 kHz mono WAV, with a specific error for each kind of bad input."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import (
    SAMPLE_RATE,
    EmptyMediaError,
    NoAudioStreamError,
    TruncatedMediaError,
    extract_audio,
    load_audio,
)
from pipeline.stages import HearingContext
from tests.support.speech import make_flac, make_mp4, tone, truncate
from tests.support.stages import run


def test_mp4_becomes_16khz_mono_wav(tmp_path: Path) -> None:
    media = make_mp4(tmp_path / "in.mp4", tone(2.0, 440.0))

    info = extract_audio(media, tmp_path / "audio.wav")

    with wave.open(str(tmp_path / "audio.wav")) as reader:
        assert (reader.getframerate(), reader.getnchannels()) == (SAMPLE_RATE, 1)
    assert info.duration_seconds == pytest.approx(2.0, abs=0.1)
    samples = load_audio(tmp_path / "audio.wav")
    spectrum = np.abs(np.fft.rfft(samples[:SAMPLE_RATE]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 s window: bin = Hz


def test_stereo_wav_at_another_rate_is_downmixed_and_resampled(
    media_data: Path, tmp_path: Path
) -> None:
    info = extract_audio(media_data / "sample.wav", tmp_path / "audio.wav")

    assert info.sample_rate == SAMPLE_RATE
    assert info.duration_seconds == pytest.approx(30.0, abs=0.1)


def test_video_without_audio_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NoAudioStreamError, match="no audio stream"):
        extract_audio(make_mp4(tmp_path / "silent-film.mp4", None), tmp_path / "audio.wav")
    assert not list(tmp_path.glob("audio.wav*"))


def test_zero_length_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(EmptyMediaError, match="0 bytes"):
        extract_audio(tmp_path / "empty.mp4", tmp_path / "audio.wav")


def test_truncated_mp4_is_refused(tmp_path: Path) -> None:
    media = truncate(make_mp4(tmp_path / "cut.mp4", tone(2.0)))
    with pytest.raises(TruncatedMediaError, match="truncated"):
        extract_audio(media, tmp_path / "audio.wav")


def test_truncated_flac_is_refused_and_the_previous_audio_kept(tmp_path: Path) -> None:
    (tmp_path / "audio.wav").write_bytes(b"previous audio")
    media = truncate(make_flac(tmp_path / "cut.flac", tone(6.0)), keep=0.4)

    with pytest.raises(TruncatedMediaError):
        extract_audio(media, tmp_path / "audio.wav")
    assert (tmp_path / "audio.wav").read_bytes() == b"previous audio"


def test_html_saved_as_media_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.mp4").write_text("<html><body>Please sign in</body></html>")
    with pytest.raises(TruncatedMediaError, match="not a media file"):
        extract_audio(tmp_path / "page.mp4", tmp_path / "audio.wav")


def test_step_writes_audio_json_and_skips_when_fresh(
    context: HearingContext, tmp_path: Path
) -> None:
    run(context, "acquire", source=str(make_mp4(tmp_path / "in.mp4", tone(1.0))))

    first = run(context, "audio")
    second = run(context, "audio")

    assert (first.skipped, second.skipped) == (False, True)
    folder = context.store.hearing_dir(context.slug)
    assert (folder / "audio.wav").is_file() and (folder / "audio.json").is_file()
