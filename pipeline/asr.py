"""Speech to timed words with faster-whisper.

The batched pipeline is the default: it decodes many VAD chunks at once (batch size and
longest chunk from settings), is several times faster on a GPU and its memory grows less
with the length of the audio. On a busy shared CPU with tiny.en it measured slower than the
sequential decoder and kept 9 % fewer words on an hour of real clips (benchmarks/asr.py):
`HEARINGS_ASR__BATCHED=false` there. A chunk is decoded without timestamps, and a small
model may stop early in a long one: chunks are kept to 20 s. Both decoders use beam search
at temperature 0 only: no sampling fallback, so a re-run gives the same text. Whisper
invents text in silence and loops on a phrase; the guards: VAD, no-speech and
compression-ratio thresholds, no conditioning on previous text, and a final pass that drops
repeated-phrase loops but keeps a sentence said again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.transcribe import Segment as WhisperSegment
from faster_whisper.transcribe import Word as WhisperWord

from pipeline.asr_model import AsrModelUnavailable, model_fingerprint, resolve_model
from pipeline.audio import AUDIO_FILE, SAMPLE_RATE
from pipeline.config import AsrSettings
from pipeline.devices import resolve_device
from pipeline.glossary import HotwordPlan, glossary_terms, plan_hotwords, term_groups
from pipeline.long_audio import TRANSCRIBE_PIECE_SECONDS, transcribe_wav
from pipeline.progress import FractionCallback, MonotonicFraction
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import Segment, Transcript, Word
from pipeline.stages import Stage, StageCall, StageDeclaration

log = logging.getLogger(__name__)
# A phrase said this many times in a row is a decoding loop, not speech.
LOOP_REPEATS = 4
LONGEST_LOOP_PHRASE = 12
# A segment that repeats the one before it is a loop when it has less time than its words
# need (people say about 3 words a second; a loop is squeezed) or lies over the same time.
MIN_SECONDS_PER_WORD = 0.12
DECODING_GUARDS = {
    "beam_size": 5,
    # One temperature: the sampling fallback at higher ones makes runs differ.
    "temperature": 0.0,
    "word_timestamps": True,
    "vad_filter": True,
    "vad_parameters": {"min_silence_duration_ms": 500},
    "no_speech_threshold": 0.6,
    "log_prob_threshold": -1.0,
    "compression_ratio_threshold": 2.4,
    "condition_on_previous_text": False,
}
NON_WORD = re.compile(r"[^\w$%]+")


@lru_cache(maxsize=2)
def load_model(model: str, device: str, compute_type: str) -> WhisperModel:
    """The model by name (downloaded on first use), local folder or the bundled tiny.en,
    cached per process."""
    location = resolve_model(model)
    try:
        return WhisperModel(location, device=device, compute_type=compute_type)
    except (OSError, RuntimeError, ValueError) as error:
        raise AsrModelUnavailable(
            f"speech model {model!r} cannot be loaded on {device} ({type(error).__name__}: "
            f"{error}). Set HEARINGS_ASR__MODEL to a downloaded model folder, or use captions."
        ) from error


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


def _is_loop_copy(segment: Segment, previous: Segment) -> bool:
    """A repeat of `previous` without speech of its own (a sentence said again by someone
    else, or a roll call's "Aye.", has its own time and is kept)."""
    if _normalized(segment.text) != _normalized(previous.text):
        return False
    squeezed = segment.end - segment.start < len(segment.text.split()) * MIN_SECONDS_PER_WORD
    return squeezed or segment.start < previous.end - MIN_SECONDS_PER_WORD


def drop_repetition_loops(segments: Sequence[Segment]) -> list[Segment]:
    """Remove phrase loops inside segments and repeated segments that are loops."""
    kept: list[Segment] = []
    for segment in segments:
        if segment.words:
            words = collapse_loops(segment.words)
            text = " ".join(word.text for word in words)
            segment = segment.model_copy(update={"words": words, "text": text})
        if not _normalized(segment.text) or (kept and _is_loop_copy(segment, kept[-1])):
            continue
        kept.append(segment)
    return kept


def _joined_pieces(words: Iterable[WhisperWord]) -> list[WhisperWord]:
    """Whisper's words with each piece that does not start with a space ("$1" ".2",
    "3" ".5" "%", "demi" "-sorry") joined to the word before it."""
    joined: list[WhisperWord] = []
    for word in words:
        if joined and word.word[:1] not in ("", " ") and word.word.strip():
            last = joined[-1]
            joined[-1] = replace(
                last,
                word=last.word + word.word,
                end=max(last.end, word.end),
                probability=min(last.probability, word.probability),
            )
        else:
            joined.append(word)
    return joined


def _to_segment(segment: WhisperSegment) -> Segment:
    words = [
        Word(
            text=word.word.strip(),
            start=max(0.0, word.start),
            end=max(0.0, word.start, word.end),
            probability=min(1.0, max(0.0, word.probability)),
        )
        for word in _joined_pieces(segment.words or [])
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


def hotword_plan(model: WhisperModel, groups: Sequence[Sequence[str]]) -> HotwordPlan:
    """The terms of `groups` that fit the prompt, counted with the model's tokenizer;
    what is cut is logged."""
    tokenizer = model.hf_tokenizer
    plan = plan_hotwords(
        groups,
        lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids),
        budget=model.max_length // 2 - 1,
    )
    if plan.cut:
        log.warning(
            "transcribe: %d of %d terms do not fit the %d-token hotword budget and are cut: %s",
            len(plan.cut), len(plan.kept) + len(plan.cut), model.max_length // 2 - 1,
            ", ".join(plan.cut),
        )  # fmt: skip
    return plan


def decoding_options(settings: AsrSettings, plan: HotwordPlan) -> dict[str, object]:
    """faster-whisper's options: the guards, the language and the terms, given as
    `settings.vocabulary` says (hotwords, an initial prompt, or not at all)."""
    options: dict[str, object] = {**DECODING_GUARDS, "language": settings.language}
    if plan.text and settings.vocabulary == "hotwords":
        options["hotwords"] = plan.text
    elif plan.text and settings.vocabulary == "prompt":
        options["initial_prompt"] = plan.text
    return options


# On a 2-core CPU, batch 4 decodes as fast as batch 16 and peaks at 0.7 GB instead of 1.4 GB
# (tiny.en, 10 minutes: benchmarks/asr.py); a GPU wants the larger batch.
DEFAULT_BATCH_SIZE = {"cuda": 16, "cpu": 4}


def batch_size_for(settings: AsrSettings, device: str) -> int:
    return settings.batch_size or DEFAULT_BATCH_SIZE[device]


def transcribe(
    audio: np.ndarray,
    settings: AsrSettings,
    terms: Sequence[Sequence[str]] = (),
    *,
    batched: bool | None = None,
    progress: FractionCallback | None = None,
) -> Transcript:
    """Segments with words of 16 kHz mono float32 `audio`.

    `terms` are groups of names and civic terms, most wanted first, for the prompt budget;
    `batched` overrides `settings.batched`; `progress` gets the fraction of the audio
    decoded so far, ending with 1.0.
    """
    device = resolve_device(settings.device)
    model = load_model(settings.model, device, settings.compute_type)
    options = decoding_options(settings, hotword_plan(model, terms))
    if settings.batched if batched is None else batched:
        pipeline = BatchedInferencePipeline(model)
        raw_segments, info = pipeline.transcribe(
            audio,
            batch_size=batch_size_for(settings, device),
            chunk_length=settings.chunk_seconds,
            **options,
        )
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


def _transcribe_options(call: StageCall) -> object:
    """Everything that changes the words: model settings and content (not its path), the
    guards, and the glossary when terms reach the recognizer at all.

    The roster's names are terms too, but they are left out on purpose: a roster sync
    must not make a finished hearing re-transcribe (an hour of GPU for a hint), so they
    prime a transcription when it runs and `--from-stage transcribe` re-runs it with
    today's roster. The naming stages (identify on) read the roster as a real input.
    """
    asr = call.settings.asr
    return {
        # The batch size changes speed and memory, not the words (each chunk is decoded alone).
        "asr": asr.model_dump(mode="json", exclude={"glossary_file", "model", "batch_size"}),
        "model": model_fingerprint(asr.model),
        "guards": DECODING_GUARDS,
        "loops": [LOOP_REPEATS, LONGEST_LOOP_PHRASE, MIN_SECONDS_PER_WORD],
        "piece_seconds": TRANSCRIBE_PIECE_SECONDS,
        "glossary": glossary_terms(asr.glossary_file) if asr.vocabulary != "off" else [],
    }


def _transcribe_stage(call: StageCall) -> Transcript:
    asr = call.settings.asr
    roster = call.read_optional(ROSTER_ARTIFACT, Roster)
    terms = term_groups(asr.glossary_file, roster) if asr.vocabulary != "off" else []
    return transcribe_wav(call.folder / AUDIO_FILE, asr, terms, progress=call.progress.fraction)


def _transcript_summary(transcript: Transcript) -> str:
    words = sum(len(segment.words) for segment in transcript.segments)
    return f"{len(transcript.segments)} segments, {words} words ({transcript.model})"


TRANSCRIBE_STAGE = StageDeclaration(
    name=Stage.TRANSCRIBE,
    # 2: word pieces joined ("$1.2"), beam search at temperature 0 only, budgeted terms.
    version="2",
    inputs=("audio",),
    output="transcript",
    contract=Transcript,
    compute=_transcribe_stage,
    summary=_transcript_summary,
    options=_transcribe_options,
    gpu=True,
    unavailable=(AsrModelUnavailable,),
    release=load_model.cache_clear,
)
