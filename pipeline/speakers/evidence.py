"""Claims weighed per label: who each label most likely is, or nobody.

A claim names a roster member (matched by name, or "the chair"), or a person by a full
name said in the hearing (agency witnesses and the public are never looked up on the
roster), or only a surname ("Thank you, Mr. Baldwin"), which supports a full name some other
claim gave but names nobody alone. A label takes the person with the most weight when that
weight is enough and no other person comes close; when two people do (a diarization merge),
the label is named only if one of them holds most of its speaking time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.roster import PUBLIC_ADVOCATE, RosterMember
from pipeline.speakers.cues import Claim, Cue
from pipeline.speakers.names import RosterIndex, fold, is_full_name, name_tokens, same_name
from pipeline.speakers.turns import Transcript

WEIGHTS = {
    Cue.SELF_INTRODUCTION: 3.0,
    Cue.CHAIR_OPENING: 3.5,
    Cue.ROLL_CALL: 2.0,
    Cue.HANDOFF_NEXT: 1.5,
    Cue.THANKS_PREVIOUS: 1.0,
    Cue.PANEL: 1.0,
    Cue.SWEARING_IN: 1.0,
}
SURNAME_SUPPORT = 0.5
SAME_PERSON = 80.0
COUNCIL = "New York City Council"
COUNCIL_BODIES = re.compile(r"\b(council|committee|subcommittee|caucus)\b")


@dataclass(frozen=True)
class Thresholds:
    min_score: float = 1.5
    rival_ratio: float = 0.5  # a second person at half the winner's weight is a contradiction
    dominance: float = 0.75  # share of a merged label's time its one person must hold
    silence_seconds: float = 3600.0  # a label back after this long may be someone else


@dataclass
class Candidate:
    """One person a label may be, and the claims for it."""

    name: str
    member: RosterMember | None
    claims: list[Claim] = field(default_factory=list)
    score: float = 0.0

    def best_said(self) -> Claim:
        return max(self.claims, key=lambda claim: WEIGHTS[claim.cue])


@dataclass(frozen=True)
class Verdict:
    """What the rules make of one label: a candidate, or None with the reason."""

    label: str
    candidate: Candidate | None
    confidence: float


def resolve_member(claim: Claim, roster: RosterIndex) -> RosterMember | None:
    """The roster member a claim names; never for someone who says they work elsewhere
    ("I'm Julie Menon, Deputy Commissioner at DOT" is not Council Member Julie Menin)."""
    if not claim.mention.name and fold(claim.mention.title or "") == "chair":
        return roster.chair()
    elsewhere = claim.organization and not COUNCIL_BODIES.search(fold(claim.organization))
    if claim.cue is Cue.SELF_INTRODUCTION and elsewhere:
        return None
    return roster.match(claim.mention.full)


def member_organization(member: RosterMember) -> str:
    return "Office of the Public Advocate" if member.title == PUBLIC_ADVOCATE else COUNCIL


def candidates_for(claims: Sequence[Claim], roster: RosterIndex) -> list[Candidate]:
    """Claims grouped by person, weighed; surname-only claims support a matching full name."""
    found: list[Candidate] = []
    surnames: list[Claim] = []
    for claim in claims:
        member = resolve_member(claim, roster)
        if member is None and not is_full_name(claim.mention.name):
            surnames.append(claim)
            continue
        name = member.name if member else claim.mention.name
        candidate = next((c for c in found if _same_person(c, member, name)), None)
        if candidate is None:
            candidate = Candidate(name, member)
            found.append(candidate)
        candidate.claims.append(claim)
        candidate.score += WEIGHTS[claim.cue]
    for claim in surnames:
        for candidate in found:
            surname = name_tokens(claim.mention.name)
            if surname and same_name(surname[-1], name_tokens(candidate.name)[-1], SAME_PERSON):
                candidate.claims.append(claim)
                candidate.score += SURNAME_SUPPORT
    return sorted(found, key=lambda c: c.score, reverse=True)


def _same_person(candidate: Candidate, member: RosterMember | None, name: str) -> bool:
    if member is not None or candidate.member is not None:
        return (
            member is not None
            and candidate.member is not None
            and (member.person_id == candidate.member.person_id)
        )
    return same_name(candidate.name, name, SAME_PERSON)


def time_share(
    transcript: Transcript,
    label: str,
    winner: Candidate,
    rivals: list[Candidate],
    thresholds: Thresholds,
) -> float:
    """The share of `label`'s time spoken as `winner`: each line goes to the person whose
    claim starts nearest before it; lines before any claim belong to nobody (a label whose
    first hours nobody names, then named once, is two people merged), and so do lines after
    the label was silent for long, until a claim names it again."""
    anchors = sorted(
        (claim.speaking_from, candidate is winner)
        for candidate in [winner, *rivals]
        for claim in candidate.claims
    )
    total = owned = 0.0
    position, owner, last_end = 0, False, None
    for line in transcript.lines:
        while position < len(anchors) and anchors[position][0] <= line.index:
            owner = anchors[position][1]
            position += 1
        if line.speaker_label != label:
            continue
        if last_end is not None and line.start - last_end > thresholds.silence_seconds:
            owner = False  # back after a long silence: maybe someone else under this label
        last_end = line.end
        total += line.end - line.start
        owned += (line.end - line.start) if owner else 0.0
    return owned / total if total else 0.0


def weigh(
    transcript: Transcript,
    label: str,
    claims: Sequence[Claim],
    roster: RosterIndex,
    thresholds: Thresholds,
) -> Verdict:
    """The rules' verdict on one label."""
    candidates = candidates_for(claims, roster)
    if not candidates or candidates[0].score < thresholds.min_score:
        return Verdict(label, None, 0.0)
    winner, rivals = candidates[0], candidates[1:]
    close = [c for c in rivals if c.score >= thresholds.rival_ratio * winner.score]
    if time_share(transcript, label, winner, close, thresholds) < thresholds.dominance:
        return Verdict(label, None, 0.0)
    total = sum(c.score for c in candidates)
    confidence = min(0.99, (winner.score / total) * min(1.0, winner.score / 3.0))
    return Verdict(label, winner, round(confidence, 3))
