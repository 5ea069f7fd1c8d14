"""Long hearings in pieces (issue 13): audio read in chunks cut at quiet moments, times
shifted back, diarization labels of later pieces matched by voice. Short files here; the
6- and 15-hour figures come from benchmarks/long_audio.py."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio import SAMPLE_RATE, extract_audio, load_audio, read_chunks
from pipeline.config import get_settings
from pipeline.long_audio import VoiceBook, diarize_wav, transcribe_wav
from pipeline.testing.wav import write_wav

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")


def bursts(seconds: int) -> np.ndarray:
    """A tone in each second's first 0.7 s, silence in the rest."""
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    second = np.where(t < 0.7, 0.5 * np.sin(2 * np.pi * 440 * t), 0.0).astype(np.float32)
    return np.tile(second, seconds)


def speech_16k(speech_wav: Path, folder: Path) -> np.ndarray:
    extract_audio(speech_wav, folder / "speech.wav")
    return load_audio(folder / "speech.wav")


def test_chunks_cover_the_audio_exactly_and_cut_in_silence(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "audio.wav", bursts(10))
    whole = load_audio(path)

    chunks = list(read_chunks(path, chunk_seconds=3.0, search_seconds=0.5))

    assert len(chunks) == 4  # cut near 3 s, 6 s and 9 s
    assert np.array_equal(np.concatenate([chunk.samples for chunk in chunks]), whole)
    for before, after in pairwise(chunks):
        assert after.offset == pytest.approx(before.offset + len(before.samples) / SAMPLE_RATE)
        assert round(after.offset % 1.0, 3) >= 0.7  # the cut is in a silent part of a second
    assert all(2.5 <= len(chunk.samples) / SAMPLE_RATE <= 3.5 for chunk in chunks[:-1])


def test_transcribed_pieces_keep_their_place_in_the_hearing(
    model_settings, speech_wav: Path, tmp_path: Path
) -> None:
    speech = speech_16k(speech_wav, tmp_path)
    gap = np.zeros(SAMPLE_RATE, dtype=np.float32)
    path = write_wav(tmp_path / "audio.wav", np.concatenate([speech, gap, speech, gap]))
    piece = (len(speech) + len(gap)) / SAMPLE_RATE

    transcript = transcribe_wav(path, model_settings.asr, [], chunk_seconds=piece)

    assert transcript.duration_seconds == pytest.approx(2 * piece)
    second = list(read_chunks(path, chunk_seconds=piece))[1].offset
    later = [segment for segment in transcript.segments if segment.start >= second]
    assert later and transcript.segments[0].start < second  # both pieces, the second shifted
    assert all(second <= word.start <= 2 * piece for s in later for word in s.words)


def test_voices_of_later_pieces_take_the_labels_they_first_had() -> None:
    rng = np.random.default_rng(0)
    chair, witness, member = (rng.normal(size=16) for _ in range(3))
    book = VoiceBook()

    first = book.names_for(
        {"SPEAKER_00": chair, "SPEAKER_01": witness}, ["SPEAKER_00", "SPEAKER_01"]
    )
    second = book.names_for(
        {"SPEAKER_00": member, "SPEAKER_01": witness + 0.1 * rng.normal(size=16)},
        ["SPEAKER_00", "SPEAKER_01"],
    )

    assert first == {"SPEAKER_00": "SPEAKER_00", "SPEAKER_01": "SPEAKER_01"}
    assert second["SPEAKER_01"] == "SPEAKER_01"  # the witness again
    assert second["SPEAKER_00"] not in {"SPEAKER_00", "SPEAKER_01"}  # a new voice


def test_diarization_in_pieces_covers_the_whole_hearing(
    model_settings, speech_wav: Path, tmp_path: Path
) -> None:
    speech = speech_16k(speech_wav, tmp_path)
    path = write_wav(tmp_path / "audio.wav", np.concatenate([speech, speech]))
    seconds = 2 * len(speech) / SAMPLE_RATE
    fractions: list[float] = []

    diarization = diarize_wav(
        path, get_settings().diarization, progress=fractions.append, chunk_seconds=seconds / 2
    )

    assert diarization.turns and all(
        0 <= t.start <= t.end <= seconds + 0.1 for t in diarization.turns
    )
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
