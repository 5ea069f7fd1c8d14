"""The attribute stage: the recognizer's words to speaker lines.

The speaker turns come from the diarization of the current audio; without one (no pyannote,
or one left from other audio) from the captions' `>>` marks, or one speaker without
captions (`pipeline.speaker_fallback`). Its own module because the fallback needs both
`attribution` and `captions`, which `captions` itself builds on.
"""

from __future__ import annotations

from pipeline.artifacts import file_sha256
from pipeline.attribution import SINGLE_SPEAKER_LABEL, attribute, lines_summary
from pipeline.captions import CAPTIONS_FILE
from pipeline.schemas import Diarization, Lines, Transcript
from pipeline.sentences import sentence_rules
from pipeline.speaker_fallback import attribute_without_diarizer
from pipeline.stages import Stage, StageCall, StageDeclaration, declared, stage_fingerprint


def _current_diarization(call: StageCall) -> Diarization | None:
    """The diarization made of the current audio with the current settings, if any."""
    key = stage_fingerprint(declared("diarize"), StageCall(call.context))
    if not call.context.store.is_fresh(call.context.slug, "diarization", key):
        return None
    return call.read("diarization", Diarization)


def _captions_text(call: StageCall) -> str | None:
    captions = call.folder / CAPTIONS_FILE
    return captions.read_text(encoding="utf-8-sig") if captions.is_file() else None


def _turns_source(call: StageCall) -> object:
    """What gives the turns, for the fingerprint: the diarization, or the captions file."""
    if _current_diarization(call) is not None:
        return "diarization"
    captions = call.folder / CAPTIONS_FILE
    return ["caption turns", file_sha256(captions) if captions.is_file() else None]


def _attribute_stage(call: StageCall) -> Lines:
    transcript = call.read("transcript", Transcript)
    diarization = _current_diarization(call)
    if diarization is not None:
        return attribute(transcript, diarization)
    return attribute_without_diarizer(transcript, _captions_text(call))


ATTRIBUTE_STAGE = StageDeclaration(
    name=Stage.ATTRIBUTE,
    # 2: without a diarizer, the captions' turns or one speaker.
    version="2",
    inputs=("transcript", "diarization?"),
    output="lines",
    contract=Lines,
    compute=_attribute_stage,
    summary=lines_summary,
    options=lambda call: {
        "alone": SINGLE_SPEAKER_LABEL,
        "sentences": sentence_rules(),
        "turns": _turns_source(call),
    },
)
