"""Stored speakers as the pipeline's identity contract (what editors fixed included)."""

from __future__ import annotations

from models import Speaker
from pipeline.schemas import IdentityMethod, SpeakerIdentity


def identity_of(row: Speaker) -> SpeakerIdentity:
    """The identity a stored speaker row holds, in the form stages and faces read."""
    return SpeakerIdentity(
        label=row.label,
        person_id=row.person_id,
        name=row.name,
        display_name=row.display_name,
        role=row.role,
        organization=row.organization,
        confidence=row.confidence,
        method=IdentityMethod(row.method),
    )
