"""transcribe with faster-whisper on a tiny scripted model the suite builds itself."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr import (
    AsrModelUnavailable,
    collapse_loops,
    drop_repetition_loops,
    load_model,
    transcribe,
)
from pipeline.audio import extract_audio, load_audio
from pipeline.config import AsrSettings, Settings
from pipeline.progress import MonotonicFraction
from pipeline.schemas import Segment, Word
from tests.support.media_fixtures import SCRIPT, silence


@pytest.fixture(scope="module")
def speech(speech_wav: Path, tmp_path_factory: pytest.TempPathFactory):
    wav = tmp_path_factory.mktemp("asr") / "audio.wav"
    extract_audio(speech_wav, wav)
    return load_audio(wav)


@pytest.fixture(scope="module")
def long_speech(speech: np.ndarray) -> np.ndarray:
    """47 s of the same sentence with short pauses: more than one 30 s decoding window."""
    pause = np.zeros(3_000, dtype=np.float32)
    return np.tile(np.concatenate([speech, pause]), 12)


def words(*texts: str, start: float = 0.0) -> list[Word]:
    return [Word(text=text, start=start + i, end=start + i + 0.5) for i, text in enumerate(texts)]


def test_speech_gives_the_scripted_text_with_timed_words(model_settings: Settings, speech) -> None:
    transcript = transcribe(speech, model_settings.asr, [["NYCHA", "HPD"]])

    assert " ".join(segment.text for segment in transcript.segments) == SCRIPT
    all_words = [word for segment in transcript.segments for word in segment.words]
    assert [word.text for word in all_words] == SCRIPT.split()
    duration = len(speech) / 16_000
    assert transcript.duration_seconds == pytest.approx(duration)
    assert all(0 <= w.start <= w.end <= duration + 0.5 for w in all_words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(all_words))
    assert transcript.language == "en"


def test_batched_pipeline_gives_the_same_words(model_settings: Settings, speech) -> None:
    transcript = transcribe(speech, model_settings.asr, [], batched=True)

    assert [w.text for s in transcript.segments for w in s.words] == SCRIPT.split()


@pytest.mark.parametrize("batched", [False, True])
def test_progress_climbs_with_each_window_and_ends_at_one(
    model_settings: Settings, long_speech: np.ndarray, batched: bool
) -> None:
    reported: list[float] = []

    transcribe(long_speech, model_settings.asr, [], batched=batched, progress=reported.append)

    assert len(reported) >= 3, "one fraction per decoded window, then the end"
    assert all(0.0 <= fraction <= 1.0 for fraction in reported)
    assert all(a < b for a, b in itertools.pairwise(reported))
    assert reported[0] < 0.9 and reported[-1] == 1.0


def test_silence_reports_done(model_settings: Settings) -> None:
    reported: list[float] = []
    transcribe(silence(2.0), model_settings.asr, [], progress=reported.append)
    assert reported == [1.0]


def test_fractions_are_clamped_and_never_step_back() -> None:
    reported: list[float] = []
    fraction = MonotonicFraction(reported.append)

    for value in (-0.5, 0.2, 0.1, 0.2, 1.7):
        fraction(value)
    fraction.finish()

    assert reported == [0.0, 0.2, 1.0]


def test_silence_gives_an_empty_transcript(model_settings: Settings) -> None:
    transcript = transcribe(silence(8.0), model_settings.asr, [["NYCHA"]])

    assert transcript.segments == []
    assert transcript.duration_seconds == pytest.approx(8.0)


@pytest.mark.parametrize("model", ["large-v3-turbo", "/no/such/model-folder"])
def test_unloadable_model_raises_a_specific_error(model: str) -> None:
    load_model.cache_clear()
    settings = AsrSettings(model=model, device="cpu")
    with pytest.raises(AsrModelUnavailable, match="cannot be loaded"):
        transcribe(silence(1.0), settings, [])


def test_phrase_loops_are_collapsed_and_real_repeats_kept() -> None:
    looped = words("we", "thank", "you", "thank", "you", "thank", "you", "thank", "you", "all")
    assert [w.text for w in collapse_loops(looped)] == ["we", "thank", "you", "all"]
    spoken = words("no", "no", "no", "that", "is", "that", "is", "right")
    assert collapse_loops(spoken) == spoken


def test_repeated_segments_are_dropped_only_when_they_have_no_time_of_their_own() -> None:
    def segment(text: str, start: float, seconds: float) -> Segment:
        return Segment(start=start, end=start + seconds, text=text)

    loop = "The committee will now hear testimony."
    segments = [segment(loop, 0, 2.5), segment(loop, 2.5, 0.2), segment(loop, 2.7, 0.2)]
    segments += [segment(loop, 2.0, 2.5)]  # over the first one's time
    segments += [segment("Aye.", 5, 0.5), segment("Aye.", 6, 0.5), segment("Aye.", 7, 0.4)]
    segments += [segment(loop, 8, 2.5), segment(loop, 11, 2.4)]  # said again by others

    kept = [(s.text, s.start) for s in drop_repetition_loops(segments)]

    assert kept == [(loop, 0), ("Aye.", 5), ("Aye.", 6), ("Aye.", 7), (loop, 8), (loop, 11)]
