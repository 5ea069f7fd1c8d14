"""diarize with pyannote.audio 4 on a local pipeline folder with random weights."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr

from pipeline.audio import extract_audio, load_audio
from pipeline.config import DiarizationSettings, Settings
from pipeline.diarization import DiarizationUnavailable, ProgressHook, diarize, load_pipeline

# Random weights give degenerate statistics (empty slices, one-frame std): expected here.
pytestmark = pytest.mark.filterwarnings("ignore:std\\(\\):UserWarning", "ignore::RuntimeWarning")


def test_diarization_turns_are_exclusive_sorted_and_inside_the_audio(
    model_settings: Settings, media_data: Path, tmp_path: Path
) -> None:
    extract_audio(media_data / "sample.wav", tmp_path / "audio.wav")
    audio = load_audio(tmp_path / "audio.wav")
    settings = model_settings.diarization.model_copy(update={"min_speakers": 1, "max_speakers": 3})

    diarization = diarize(audio, settings)

    turns = diarization.turns
    assert turns, "random weights still segment 30 s of speech into turns"
    assert all(0 <= turn.start < turn.end <= 30.01 for turn in turns)
    assert all(a.end <= b.start + 1e-3 for a, b in itertools.pairwise(turns))
    assert all(label.startswith("SPEAKER_") for label in diarization.labels)
    assert 1 <= len(diarization.labels) <= 3


def test_progress_follows_the_pipeline_steps_up_to_one(
    model_settings: Settings, media_data: Path, tmp_path: Path
) -> None:
    extract_audio(media_data / "sample.wav", tmp_path / "audio.wav")
    audio = load_audio(tmp_path / "audio.wav")[: 15 * 16_000]
    reported: list[float] = []

    diarize(audio, model_settings.diarization, progress=reported.append)

    assert all(0.0 <= fraction <= 1.0 for fraction in reported)
    assert all(a < b for a, b in itertools.pairwise(reported))
    assert reported[0] == 0.0 and reported[-1] == 1.0
    in_embeddings = [fraction for fraction in reported if 0.1 < fraction < 0.95]
    assert len(in_embeddings) >= 2, "embedding batches are reported as they finish"


def test_progress_hook_clamps_overshoot_and_ignores_other_steps() -> None:
    reported: list[float] = []
    hook = ProgressHook(reported.append)

    hook("segmentation", None, file={}, total=4, completed=0)
    hook("segmentation", None, file={}, total=4, completed=8)  # pyannote's last full batch
    hook("segmentation", object(), file={})
    hook("speaker_counting", object(), file={})
    hook("embeddings", None, file={}, total=2, completed=1)
    hook("embeddings", object(), file={})

    assert reported == [0.0, 0.1, pytest.approx(0.525), 0.95]


@pytest.mark.parametrize("name", ["pyannote/speaker-diarization-community-1", "/no/such/folder"])
def test_unavailable_pipeline_is_a_specific_error_without_the_token(name: str) -> None:
    load_pipeline.cache_clear()
    settings = DiarizationSettings(pipeline=name, hf_token=SecretStr("hf_secret_value"))

    with pytest.raises(DiarizationUnavailable) as caught:
        diarize(np.zeros(16_000, dtype=np.float32), settings)

    assert "HEARINGS_DIARIZATION__HF_TOKEN" in str(caught.value)
    assert "hf_secret_value" not in str(caught.value)
