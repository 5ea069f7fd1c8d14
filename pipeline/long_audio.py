"""Transcribe and diarize a hearing of any length with flat memory: piece by piece.

`audio.wav` is read in pieces cut at quiet moments (`pipeline.audio.read_chunks`): ten
minutes for the recognizer, half an hour for the diarizer, whose clustering gains from
hearing more of each voice; each piece goes through the recognizer or the diarizer alone and
its times are shifted by where it starts. Diarization labels are per piece, so the labels
of later pieces are matched to the voices already heard by their centroid embeddings: a
label whose voice is close enough to a known one takes its name, otherwise it is new.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pipeline.audio import CHUNK_SECONDS, SAMPLE_RATE, AudioChunk, read_chunks, wav_seconds
from pipeline.config import AsrSettings, DiarizationSettings
from pipeline.progress import FractionCallback
from pipeline.schemas import Diarization, Segment, SpeakerTurn, Transcript

# The batched recognizer computes the features of a whole piece before decoding it (~9 MB
# a minute): ten-minute pieces keep tiny.en on a CPU under 0.8 GB (benchmarks/asr.py).
TRANSCRIBE_PIECE_SECONDS = 10 * 60.0
# Cosine similarity of two centroid embeddings above which they are one voice.
SAME_VOICE_SIMILARITY = 0.5


def _within(
    progress: FractionCallback | None, chunk: AudioChunk, total: float
) -> FractionCallback | None:
    """A piece's progress as a fraction of the whole hearing."""
    if progress is None or total <= 0:
        return progress
    length = len(chunk.samples) / SAMPLE_RATE
    return lambda fraction: progress(min(1.0, (chunk.offset + fraction * length) / total))


def _shifted(segment: Segment, offset: float) -> Segment:
    words = [
        word.model_copy(update={"start": word.start + offset, "end": word.end + offset})
        for word in segment.words
    ]
    return segment.model_copy(
        update={"start": segment.start + offset, "end": segment.end + offset, "words": words}
    )


def transcribe_wav(
    path: Path,
    settings: AsrSettings,
    terms: Sequence[Sequence[str]],
    *,
    progress: FractionCallback | None = None,
    chunk_seconds: float = TRANSCRIBE_PIECE_SECONDS,
) -> Transcript:
    """`pipeline.asr.transcribe` over `audio.wav`, one piece at a time."""
    from pipeline.asr import transcribe

    total = wav_seconds(path)
    segments: list[Segment] = []
    language = None
    for chunk in read_chunks(path, chunk_seconds):
        part = transcribe(
            chunk.samples, settings, terms, progress=_within(progress, chunk, total)
        )
        language = language or part.language
        segments.extend(_shifted(segment, chunk.offset) for segment in part.segments)
    return Transcript(
        language=language, duration_seconds=total, model=settings.model, segments=segments
    )


def _unit(vector: np.ndarray) -> np.ndarray | None:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else None


class VoiceBook:
    """The voices heard so far in a hearing, each under the label it first got."""

    def __init__(self, similarity: float = SAME_VOICE_SIMILARITY) -> None:
        self.similarity = similarity
        self.labels: set[str] = set()
        self.voices: dict[str, np.ndarray] = {}  # unit centroids of the labels that have one
        self.counter = 0

    def _new_label(self, wanted: str) -> str:
        label = wanted
        while label in self.labels:
            label = f"SPEAKER_{self.counter:02d}"
            self.counter += 1
        return label

    def names_for(self, voices: dict[str, np.ndarray], labels: list[str]) -> dict[str, str]:
        """Each piece label's hearing label: a known voice (each taken once) or a new one."""
        pairs = []
        for label in labels:
            vector = _unit(voices[label]) if label in voices else None
            for known, centroid in self.voices.items():
                if vector is not None and (score := float(vector @ centroid)) >= self.similarity:
                    pairs.append((score, label, known))
        mapping: dict[str, str] = {}
        for _score, label, known in sorted(pairs, reverse=True):
            if label not in mapping and known not in mapping.values():
                mapping[label] = known
        for label in labels:
            if label not in mapping:
                mapping[label] = name = self._new_label(label)
                self.labels.add(name)
                vector = _unit(voices[label]) if label in voices else None
                if vector is not None:
                    self.voices[name] = vector
        return mapping


def diarize_wav(
    path: Path,
    settings: DiarizationSettings,
    *,
    progress: FractionCallback | None = None,
    chunk_seconds: float = CHUNK_SECONDS,
) -> Diarization:
    """`pipeline.diarization` over `audio.wav`, one piece at a time, voices matched."""
    from pipeline.diarization import diarize_with_voices

    total = wav_seconds(path)
    book = VoiceBook()
    turns: list[SpeakerTurn] = []
    for chunk in read_chunks(path, chunk_seconds):
        part, voices = diarize_with_voices(
            chunk.samples, settings, progress=_within(progress, chunk, total)
        )
        labels = sorted({turn.speaker_label for turn in part.turns} | set(voices))
        names = book.names_for(voices, labels)
        length = len(chunk.samples) / SAMPLE_RATE  # a piece's turns stay inside it
        turns.extend(
            SpeakerTurn(
                speaker_label=names[turn.speaker_label],
                start=round(turn.start + chunk.offset, 3),
                end=round(min(turn.end, length) + chunk.offset, 3),
            )
            for turn in part.turns
            if turn.start < length
        )
    return Diarization(turns=turns)
