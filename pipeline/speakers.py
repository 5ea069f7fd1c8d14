"""The identify stage: who each diarization label is.

Until speakers are named against the roster, every label stays unknown and is shown as
"Speaker N", numbered in order of first appearance. The interface is the one the roster
matcher will keep: lines and the hearing's roster (`roster.json`, ignored for now) in,
speaker identities out.
"""

from __future__ import annotations

from pipeline.roster import ROSTER_ARTIFACT, Roster
from pipeline.schemas import IdentityMethod, Lines, SpeakerIdentities, SpeakerIdentity
from pipeline.stages import Stage, StageCall, StageDeclaration

STAGE_VERSION = "1-labels"
EVIDENCE_LINES = 5


def identify_speakers(lines: Lines, roster: Roster | None = None) -> SpeakerIdentities:
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


def _identify_stage(call: StageCall) -> SpeakerIdentities:
    return identify_speakers(call.read("lines", Lines), call.read_optional(ROSTER_ARTIFACT, Roster))


IDENTIFY_STAGE = StageDeclaration(
    name=Stage.IDENTIFY,
    version=STAGE_VERSION,
    # A roster sync makes identify (and what follows it) stale, never the transcription.
    inputs=("lines", "roster?"),
    output="speakers",
    contract=SpeakerIdentities,
    compute=_identify_stage,
    summary=lambda identities: f"{len(identities.speakers)} speakers (unnamed)",
    options=lambda _call: {"evidence_lines": EVIDENCE_LINES},
)
