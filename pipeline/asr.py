"""Speech to timed words with faster-whisper.

On a GPU the batched pipeline decodes many VAD chunks at once (batch size from settings);
on a CPU the sequential decoder is faster and lighter. Whisper invents text in silence and
loops on a phrase; the guards here: VAD, no-speech and compression-ratio thresholds, no
conditioning on previous text, and a final pass that drops repeated-phrase loops.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.transcribe import Segment as WhisperSegment

from pipeline.audio import SAMPLE_RATE
from pipeline.config import AsrSettings
from pipeline.devices import resolve_device
from pipeline.errors import HearingsError
from pipeline.progress import FractionCallback, MonotonicFraction
from pipeline.schemas import Segment, Transcript, Word

# A phrase said this many times in a row is a decoding loop, not speech.
LOOP_REPEATS = 4
LONGEST_LOOP_PHRASE = 12
# Identical consecutive segments longer than this many words are loops too.
SHORT_SEGMENT_WORDS = 2
DECODING_GUARDS = {
    "beam_size": 5,
    "word_timestamps": True,
    "vad_filter": True,
    "vad_parameters": {"min_silence_duration_ms": 500},
    "no_speech_threshold": 0.6,
    "log_prob_threshold": -1.0,
    "compression_ratio_threshold": 2.4,
    "condition_on_previous_text": False,
}
NON_WORD = re.compile(r"[^\w$%]+")


class AsrModelUnavailable(HearingsError, RuntimeError):
    """The speech model cannot be loaded (not downloaded and offline, bad path...)."""


@lru_cache(maxsize=2)
def load_model(model: str, device: str, compute_type: str) -> WhisperModel:
    """The model by name (downloaded on first use) or local folder, cached per process."""
    try:
        return WhisperModel(model, device=device, compute_type=compute_type)
    except (OSError, RuntimeError, ValueError) as error:
        raise AsrModelUnavailable(
            f"speech model {model!r} cannot be loaded on {device} ({type(error).__name__}: "
            f"{error}). Set HEARINGS_ASR__MODEL to a downloaded model folder, or use captions."
        ) from error


def load_glossary(path: Path) -> list[str]:
    """Terms, one per line; blank lines and '#' comments are ignored. Missing file: none."""
    if not path.is_file():
        return []
    terms = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return [term for term in terms if term]


def _normalized(text: str) -> str:
    return NON_WORD.sub(" ", text.casefold()).strip()


def collapse_loops(words: list[Word]) -> list[Word]:
    """Keep one copy of any phrase that repeats LOOP_REPEATS or more times in a row."""
    keys = [_normalized(word.text) for word in words]
    kept: list[Word] = []
    position = 0
    while position < len(words):
        for size in range(1, LONGEST_LOOP_PHRASE + 1):
            phrase = keys[position : position + size]
            repeats = 1
            while keys[position + repeats * size : position + (repeats + 1) * size] == phrase:
                repeats += 1
            if repeats >= LOOP_REPEATS:
                kept.extend(words[position : position + size])
                position += repeats * size
                break
        else:
            kept.append(words[position])
            position += 1
    return kept


def drop_repetition_loops(segments: Sequence[Segment]) -> list[Segment]:
    """Remove phrase loops inside segments and runs of identical segments."""
    kept: list[Segment] = []
    run = 0
    for segment in segments:
        if segment.words:
            words = collapse_loops(segment.words)
            text = " ".join(word.text for word in words)
            segment = segment.model_copy(update={"words": words, "text": text})
        same = bool(kept) and _normalized(segment.text) == _normalized(kept[-1].text)
        run = run + 1 if same else 0
        long_text = len(segment.text.split()) > SHORT_SEGMENT_WORDS
        if not _normalized(segment.text) or (same and (long_text or run >= 2)):
            continue
        kept.append(segment)
    return kept


def _to_segment(segment: WhisperSegment) -> Segment:
    words = [
        Word(
            text=word.word.strip(),
            start=max(0.0, word.start),
            end=max(0.0, word.start, word.end),
            probability=min(1.0, max(0.0, word.probability)),
        )
        for word in segment.words or []
        if word.word.strip()
    ]
    start = max(0.0, segment.start)
    return Segment(start=start, end=max(start, segment.end), text=segment.text.strip(), words=words)


def _decode(
    raw_segments: Iterable[WhisperSegment], duration: float, progress: FractionCallback | None
) -> list[Segment]:
    """Run the lazy decoder to the end, reporting how far into the audio each segment ends."""
    fraction = MonotonicFraction(progress)
    segments = []
    for raw in raw_segments:  # decoding happens here, one segment at a time
        segments.append(_to_segment(raw))
        fraction(raw.end / duration if duration else 1.0)
    fraction.finish()
    return segments


def transcribe(
    audio: np.ndarray,
    settings: AsrSettings,
    glossary: Sequence[str],
    *,
    batched: bool | None = None,
    progress: FractionCallback | None = None,
) -> Transcript:
    """Segments with words of 16 kHz mono float32 `audio`; batched by default on a GPU.

    `progress` gets the fraction of the audio decoded so far, ending with 1.0.
    """
    device = resolve_device(settings.device)
    model = load_model(settings.model, device, settings.compute_type)
    options = {**DECODING_GUARDS, "language": settings.language}
    if glossary:
        options["hotwords"] = ", ".join(glossary)
    if device == "cuda" if batched is None else batched:
        pipeline = BatchedInferencePipeline(model)
        raw_segments, info = pipeline.transcribe(audio, batch_size=settings.batch_size, **options)
    else:
        raw_segments, info = model.transcribe(audio, **options)
    duration = len(audio) / SAMPLE_RATE
    segments = _decode(raw_segments, duration, progress)
    return Transcript(
        language=info.language,
        duration_seconds=duration,
        model=settings.model,
        segments=drop_repetition_loops(segments),
    )
