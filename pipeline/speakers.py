"""The identify stage: who each diarization label is.

Until speakers are named against the roster, every label stays unknown and is shown as
"Speaker N", numbered in order of first appearance. The interface is the one the roster
matcher will keep: lines (and a roster, ignored for now) in, speaker identities out.
"""

from __future__ import annotations

from typing import Any

from pipeline.artifacts import fingerprint, run_cached
from pipeline.schemas import IdentityMethod, Lines, SpeakerIdentities, SpeakerIdentity
from pipeline.stages import HearingContext, Stage, StageResult

STAGE_VERSION = "1-labels"
EVIDENCE_LINES = 5


def identify_speakers(lines: Lines, roster: list[Any] | None = None) -> SpeakerIdentities:
    """One unknown identity per label; `roster` is accepted for the naming stage to come."""
    del roster  # naming against the roster belongs to a later stage version
    evidence: dict[str, list[int]] = {}
    for line in lines.lines:
        evidence.setdefault(line.speaker_label, []).append(line.index)
    return SpeakerIdentities(
        speakers=[
            SpeakerIdentity(
                label=label,
                display_name=f"Speaker {number}",
                confidence=0.0,
                evidence=indices[:EVIDENCE_LINES],
                method=IdentityMethod.RULE,
            )
            for number, (label, indices) in enumerate(evidence.items(), start=1)
        ]
    )


def run_identify(context: HearingContext, *, force: bool = False) -> StageResult:
    """Write speakers.json from lines.json, skipped when lines have not changed."""
    upstream = context.upstream_fingerprint("lines")
    input_fingerprint = fingerprint(Stage.IDENTIFY.value, STAGE_VERSION, upstream)

    def compute() -> SpeakerIdentities:
        return identify_speakers(context.store.read(context.slug, "lines", Lines))

    identities, skipped = run_cached(
        context.store,
        context.slug,
        "speakers",
        SpeakerIdentities,
        stage_version=STAGE_VERSION,
        input_fingerprint=input_fingerprint,
        compute=compute,
        force=force,
    )
    return StageResult(
        stage=Stage.IDENTIFY,
        skipped=skipped,
        fingerprint=input_fingerprint,
        summary=f"{len(identities.speakers)} speakers (unnamed)",
    )
