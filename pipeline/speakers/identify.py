"""Who each diarization label is: rules first, an LLM second for what the rules leave open.

Pure: lines, the roster and the agenda in, one identity per label out. A label nobody can
name with confidence stays "Speaker N", N its place in the order of first appearance, so
the number does not move when other labels get named on a re-run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field

from pipeline.roster import Roster, RosterMember
from pipeline.schemas import IdentityMethod, Line, Lines, SpeakerIdentities, SpeakerIdentity
from pipeline.speakers.cues import Claim, all_claims
from pipeline.speakers.evidence import Thresholds, Verdict, member_organization, weigh
from pipeline.speakers.guard import drop_weak_duplicates, grounded
from pipeline.speakers.names import RosterIndex
from pipeline.speakers.turns import Transcript

EVIDENCE_LINES = 5


class IdentifyOptions(BaseModel):
    """Everything that changes who gets named (part of the identify stage's fingerprint)."""

    min_score: float = Field(1.5, gt=0, description="evidence weight needed to name a label")
    rival_ratio: float = Field(0.5, gt=0, le=1)
    dominance: float = Field(0.75, gt=0.5, le=1, description="merged label: its one person's share")
    silence_seconds: float = Field(3600.0, gt=0, description="back after this long: unnamed")
    llm_min_confidence: float = Field(0.7, ge=0, le=1)
    llm_min_words: int = Field(15, ge=1, description="labels saying less are not sent to the LLM")
    llm_labels_per_call: int = Field(10, ge=1)

    def thresholds(self) -> Thresholds:
        return Thresholds(self.min_score, self.rival_ratio, self.dominance, self.silence_seconds)


@dataclass(frozen=True)
class Proposal:
    """An LLM's answer for one label, before the guard checks it."""

    label: str
    name: str | None
    person_id: int | None
    role: str | None
    organization: str | None
    confidence: float
    evidence: list[int]


class LabelNamer(Protocol):
    """The LLM second pass (pipeline.speakers.llm_pass.LlmNamer)."""

    def propose(
        self,
        transcript: Transcript,
        labels: Sequence[str],
        roster: Sequence[RosterMember],
        agenda: Sequence[str],
    ) -> list[Proposal]: ...


def first_lines(transcript: Transcript) -> dict[str, list[int]]:
    """Each label's line indices, labels in order of first appearance."""
    found: dict[str, list[int]] = {}
    for line in transcript.lines:
        found.setdefault(line.speaker_label, []).append(line.index)
    return found


def rule_identity(verdict: Verdict, number: int) -> SpeakerIdentity:
    candidate = verdict.candidate
    assert candidate is not None
    member = candidate.member
    said = candidate.best_said()
    evidence = sorted({claim.line for claim in candidate.claims})[:EVIDENCE_LINES]
    return SpeakerIdentity(
        label=verdict.label,
        person_id=member.person_id if member else None,
        name=member.name if member else candidate.name,
        display_name=member.name if member else candidate.name,
        role=member.title if member else said.role,
        organization=member_organization(member) if member else said.organization,
        confidence=verdict.confidence,
        evidence=evidence,
        method=IdentityMethod.RULE,
    )


def unknown_identity(label: str, number: int, lines: list[int]) -> SpeakerIdentity:
    return SpeakerIdentity(
        label=label, display_name=f"Speaker {number}", evidence=lines[:EVIDENCE_LINES]
    )


def llm_identity(
    proposal: Proposal, transcript: Transcript, roster: RosterIndex, options: IdentifyOptions
) -> SpeakerIdentity | None:
    """The proposal as an identity, or None when the guard or the threshold rejects it."""
    if proposal.confidence < options.llm_min_confidence or not proposal.name:
        return None
    if proposal.person_id is None:
        member = roster.match(proposal.name)
    else:
        member = roster.person(proposal.person_id)
        if member is None or roster.match(proposal.name) != member:
            return None
    if member is None and not grounded(proposal.name, proposal.label, transcript, RosterIndex([])):
        return None
    own = {line.index for line in transcript.lines if line.speaker_label == proposal.label}
    evidence = [index for index in proposal.evidence if 0 <= index < len(transcript.lines)]
    if not evidence or not own:
        return None
    name = member.name if member else proposal.name
    return SpeakerIdentity(
        label=proposal.label,
        person_id=member.person_id if member else None,
        name=name,
        display_name=name,
        role=member.title if member else proposal.role,
        organization=member_organization(member) if member else proposal.organization,
        confidence=round(proposal.confidence, 3),
        evidence=evidence[:EVIDENCE_LINES],
        method=IdentityMethod.LLM,
    )


def rule_verdicts(
    transcript: Transcript, labels: Sequence[str], roster: RosterIndex, options: IdentifyOptions
) -> dict[str, Verdict]:
    claims: dict[str, list[Claim]] = {label: [] for label in labels}
    for claim in all_claims(transcript):
        claims.setdefault(claim.label, []).append(claim)
    verdicts = {
        label: weigh(transcript, label, claims[label], roster, options.thresholds())
        for label in labels
    }
    return drop_weak_duplicates(verdicts)


def identify_speakers(
    lines: Lines | Sequence[Line],
    roster: Roster | None = None,
    agenda: Sequence[str] = (),
    options: IdentifyOptions | None = None,
    llm: LabelNamer | None = None,
) -> SpeakerIdentities:
    """One identity per label: named by the rules, else by the LLM's checked answer, else
    'Speaker N'."""
    options = options or IdentifyOptions()
    transcript = Transcript.of(lines.lines if isinstance(lines, Lines) else list(lines))
    members = roster.members if roster else []
    index = RosterIndex(members)
    by_label = first_lines(transcript)
    verdicts = rule_verdicts(transcript, list(by_label), index, options)
    named: dict[str, SpeakerIdentity] = {}
    for number, label in enumerate(by_label, start=1):
        if verdicts[label].candidate is not None:
            named[label] = rule_identity(verdicts[label], number)
    if llm is not None:
        open_labels = [label for label in by_label if label not in named]
        wordy = [
            label for label in open_labels if _words(transcript, label) >= options.llm_min_words
        ]
        for proposal in llm.propose(transcript, wordy, members, agenda):
            if proposal.label in wordy and proposal.label not in named:
                identity = llm_identity(proposal, transcript, index, options)
                if identity is not None:
                    named[proposal.label] = identity
    return SpeakerIdentities(
        speakers=[
            named.get(label) or unknown_identity(label, number, indices)
            for number, (label, indices) in enumerate(by_label.items(), start=1)
        ]
    )


def _words(transcript: Transcript, label: str) -> int:
    return sum(turn.words for turn in transcript.turns if turn.label == label)
