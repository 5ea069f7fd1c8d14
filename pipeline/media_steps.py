"""Steps from a source to `lines.json`: each reads upstream artifacts, skips fresh work.

A step's fingerprint chains its upstream artifacts' fingerprints with its own version and
settings, so a new source, model or setting re-runs that step and the ones after it.
Secrets (the Hugging Face token) never enter a fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.acquire import CAPTIONS_FILE, Progress, acquire, check_source, sibling_captions
from pipeline.artifacts import ArtifactError, file_sha256, fingerprint, run_cached
from pipeline.asr_model import model_fingerprint
from pipeline.attribution import attribute
from pipeline.audio import AudioInfo, extract_audio
from pipeline.captions import captions_to_lines
from pipeline.glossary import glossary_terms, unique
from pipeline.long_audio import diarize_wav, transcribe_wav
from pipeline.progress import FractionCallback
from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import Diarization, Lines, SourceInfo, Transcript
from pipeline.speaker_fallback import attribute_without_diarizer
from pipeline.stages import HearingContext, Stage, StageResult

ACQUIRE_VERSION = "2"
AUDIO_VERSION = "1"
# 2: word pieces joined ("$1.2"), batched at temperature 0, budgeted terms.
TRANSCRIBE_VERSION = "2"
DIARIZE_VERSION = "1"
# 2: without a diarizer, the captions' turns or one speaker.
ATTRIBUTE_VERSION = "2"
CAPTIONS_VERSION = "1"
AUDIO_FILE = "audio.wav"


class CaptionsUnavailableError(ArtifactError):
    """The source offered no captions, so the captions path cannot run."""


def _folder(context: HearingContext) -> Path:
    return context.store.hearing_dir(context.slug)


def _term_groups(context: HearingContext) -> list[list[str]]:
    """Names and terms for the recognizer, most wanted first: the committee (when the
    hearing's roster is known), the glossary, then the other people who could speak."""
    glossary = glossary_terms(context.settings.asr.glossary_file)
    if not context.store.path(context.slug, ROSTER_ARTIFACT).is_file():
        return [glossary]
    roster = context.store.read(context.slug, ROSTER_ARTIFACT, Roster)
    return [roster.committee_names(), glossary, roster.other_names()]


def _known_terms(context: HearingContext) -> list[str]:
    return unique(term for group in _term_groups(context) for term in group)


def _local_file_stamp(source: str | None) -> list[int] | None:
    """Size and modification time of a local file, so that a replaced file is re-read."""
    path = Path(source) if source else None
    if path is None or "://" in str(source) or not path.is_file():
        return None
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _acquire_key(source: str, captions: str | None) -> str:
    """The source and its captions, with the size and time of whichever are local files."""
    if captions is None and check_source(source) == "file":
        captions = sibling_captions(source)
    stamps = [_local_file_stamp(source), _local_file_stamp(captions)]
    return fingerprint("acquire", ACQUIRE_VERSION, source, captions, stamps)


def run_acquire(
    context: HearingContext,
    source: str,
    *,
    captions: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> StageResult:
    """`media.*`, `source.json` and `captions.vtt` (from `captions`, or what the source
    offers); a changed local source or captions file makes it run again."""
    key = _acquire_key(source, captions)
    if context.store.is_fresh(context.slug, "source", key):
        recorded = context.store.read(context.slug, "source", SourceInfo)
        force = force or not (_folder(context) / recorded.media_file).is_file()
    info, skipped = run_cached(
        context.store,
        context.slug,
        "source",
        SourceInfo,
        stage_version=ACQUIRE_VERSION,
        input_fingerprint=key,
        compute=lambda: acquire(
            source,
            _folder(context),
            captions=captions,
            progress=progress,
            network=context.settings.network,
        ),
        force=force,
    )
    minutes = f"{info.duration_seconds / 60:.1f} min" if info.duration_seconds else "? min"
    summary = f"{info.media_file}: {info.size_bytes / 1e6:.1f} MB, {minutes}"
    return StageResult(Stage.ACQUIRE, skipped, key, summary)


def run_audio(context: HearingContext, *, force: bool = False) -> StageResult:
    """`audio.wav` (16 kHz mono) and `audio.json`."""
    key = fingerprint("audio", AUDIO_VERSION, context.upstream_fingerprint("source"))
    source = context.store.read(context.slug, "source", SourceInfo)
    folder = _folder(context)
    force = force or not (folder / AUDIO_FILE).is_file()
    info, skipped = run_cached(
        context.store,
        context.slug,
        "audio",
        AudioInfo,
        stage_version=AUDIO_VERSION,
        input_fingerprint=key,
        compute=lambda: extract_audio(folder / source.media_file, folder / AUDIO_FILE),
        force=force,
    )
    return StageResult(Stage.AUDIO, skipped, key, f"{info.duration_seconds:.1f} s of audio")


def run_transcribe(
    context: HearingContext, *, force: bool = False, progress: FractionCallback | None = None
) -> StageResult:
    """`transcript.json` with faster-whisper; `progress` gets the fraction decoded."""
    asr = context.settings.asr
    terms = _term_groups(context) if asr.vocabulary != "off" else []
    # The model by what it holds, not by where it lies; the terms only when they are used.
    settings = asr.model_dump(mode="json", exclude={"glossary_file", "model"})
    key = fingerprint(
        "transcribe",
        TRANSCRIBE_VERSION,
        context.upstream_fingerprint("audio"),
        settings,
        model_fingerprint(asr.model),
        terms,
    )
    transcript, skipped = run_cached(
        context.store,
        context.slug,
        "transcript",
        Transcript,
        stage_version=TRANSCRIBE_VERSION,
        input_fingerprint=key,
        compute=lambda: transcribe_wav(
            _folder(context) / AUDIO_FILE, asr, terms, progress=progress
        ),
        force=force,
    )
    words = sum(len(segment.words) for segment in transcript.segments)
    summary = f"{len(transcript.segments)} segments, {words} words ({transcript.model})"
    return StageResult(Stage.TRANSCRIBE, skipped, key, summary)


def _diarize_key(context: HearingContext) -> str:
    relevant = context.settings.diarization.model_dump(
        mode="json", include={"pipeline", "min_speakers", "max_speakers"}
    )
    return fingerprint("diarize", DIARIZE_VERSION, context.upstream_fingerprint("audio"), relevant)


def run_diarize(
    context: HearingContext, *, force: bool = False, progress: FractionCallback | None = None
) -> StageResult:
    """`diarization.json` with pyannote; `progress` gets the fraction done."""
    settings = context.settings.diarization
    key = _diarize_key(context)
    diarization, skipped = run_cached(
        context.store,
        context.slug,
        "diarization",
        Diarization,
        stage_version=DIARIZE_VERSION,
        input_fingerprint=key,
        compute=lambda: diarize_wav(_folder(context) / AUDIO_FILE, settings, progress=progress),
        force=force,
    )
    summary = f"{len(diarization.labels)} speakers, {len(diarization.turns)} turns"
    return StageResult(Stage.DIARIZE, skipped, key, summary)


def _lines_summary(lines: Lines) -> str:
    speakers = len({line.speaker_label for line in lines.lines})
    return f"{len(lines.lines)} lines, {speakers} speaker labels"


def _captions_text(context: HearingContext) -> str | None:
    captions = _folder(context) / CAPTIONS_FILE
    return captions.read_text(encoding="utf-8-sig") if captions.is_file() else None


def _speakers(context: HearingContext) -> tuple[object, Callable[[Transcript], Lines], str]:
    """What gives the speakers: (its fingerprint part, words → lines, a note). The diarization
    when one of the current audio exists, else the captions' `>>` turns, else one speaker."""
    if context.store.is_fresh(context.slug, "diarization", _diarize_key(context)):
        diarization = context.store.read(context.slug, "diarization", Diarization)
        return context.upstream_fingerprint("diarization"), _with_turns_of(diarization), ""
    captions = _captions_text(context)
    note = "; speakers from the captions' marks" if captions else "; one speaker (no captions)"
    return ["caption turns", captions], lambda t: attribute_without_diarizer(t, captions), note


def _with_turns_of(diarization: Diarization) -> Callable[[Transcript], Lines]:
    return lambda transcript: attribute(transcript, diarization)


def run_attribute(context: HearingContext, *, force: bool = False) -> StageResult:
    """`lines.json` from the transcript and the diarization; without a diarization of the
    current audio, from the transcript and the captions' `>>` turns (or one speaker)."""
    evidence, to_lines, note = _speakers(context)
    key = fingerprint(
        "attribute", ATTRIBUTE_VERSION, context.upstream_fingerprint("transcript"), evidence
    )
    lines, skipped = run_cached(
        context.store,
        context.slug,
        "lines",
        Lines,
        stage_version=ATTRIBUTE_VERSION,
        input_fingerprint=key,
        compute=lambda: to_lines(context.store.read(context.slug, "transcript", Transcript)),
        force=force,
    )
    return StageResult(Stage.ATTRIBUTE, skipped, key, _lines_summary(lines) + note)


def run_captions(context: HearingContext, *, force: bool = False) -> StageResult:
    """`lines.json` from the source's captions: the cheap path and the fallback without ASR."""
    captions = _folder(context) / CAPTIONS_FILE
    if not captions.is_file():
        raise CaptionsUnavailableError(
            f"{context.slug} has no {CAPTIONS_FILE}: its source offered no captions"
        )
    terms = _known_terms(context)
    key = fingerprint(
        "captions",
        CAPTIONS_VERSION,
        context.upstream_fingerprint("source"),
        file_sha256(captions),
        terms,
    )
    lines, skipped = run_cached(
        context.store,
        context.slug,
        "lines",
        Lines,
        stage_version=CAPTIONS_VERSION,
        input_fingerprint=key,
        compute=lambda: captions_to_lines(captions.read_text(encoding="utf-8-sig"), terms),
        force=force,
    )
    return StageResult(Stage.ATTRIBUTE, skipped, key, _lines_summary(lines))
