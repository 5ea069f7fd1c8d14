"""A person's speaker names through a re-run: kept, and moved with their voice.

Machine identities are replaced label by label; a speaker a person named keeps its name
and moves to the new label of the same voice (`pipeline.store.anchoring.follow_voices`),
or to a label no line uses, with a review flag, when no new voice is clearly it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Hearing, Person, Speaker, TranscriptLine
from pipeline.schemas import IdentityMethod, Lines, SpeakerIdentity
from pipeline.store.anchoring import follow_voices

# The label of a person-named speaker whose voice a new transcript lost.
UNPLACED_PREFIX = "unplaced-"


def speaker_is_persons(speaker: Speaker) -> bool:
    return speaker.edited_by is not None or speaker.method == IdentityMethod.HUMAN


def _speaker_fields(identity: SpeakerIdentity) -> dict[str, object]:
    return {
        "person_id": identity.person_id,
        "name": identity.name,
        "display_name": identity.display_name,
        "role": identity.role,
        "organization": identity.organization,
        "confidence": identity.confidence,
        "method": identity.method.value,
    }


def _place_persons_speakers(
    session: Session,
    persons: list[Speaker],
    machine: dict[str, Speaker],
    previous: list[TranscriptLine],
    lines: Lines,
) -> None:
    """Move each person-named speaker to the label of its voice in the new lines, or to a
    label no line uses (flagged) when no new voice is clearly it. Machine rows on the
    labels the persons' speakers take are removed from `machine` and deleted."""
    old_labels = [speaker.label for speaker in persons]
    voices = follow_voices(previous, lines.lines, set(old_labels))
    for label in set(voices.values()) & set(machine):
        session.delete(machine.pop(label))
    for speaker in persons:  # labels are unique: step aside before swapping
        speaker.label = f"~{speaker.id}"
    session.flush()
    for speaker, old_label in zip(persons, old_labels, strict=True):
        voice = voices[old_label]
        if voice is not None:
            speaker.label, speaker.review_flag = voice, None
        elif not old_label.startswith(UNPLACED_PREFIX):
            speaker.label = f"{UNPLACED_PREFIX}{speaker.id}"
            speaker.review_flag = (
                f"name given to {old_label}, whose voice no new speaker label clearly matches: "
                "choose the speaker again"
            )
        else:
            speaker.label = old_label
    session.flush()


def merge_speakers(
    session: Session,
    hearing: Hearing,
    previous: list[TranscriptLine],
    lines: Lines,
    identities: list[SpeakerIdentity],
) -> tuple[int, int]:
    rows = list(session.scalars(select(Speaker).where(Speaker.hearing_id == hearing.id)))
    persons = [speaker for speaker in rows if speaker_is_persons(speaker)]
    machine = {speaker.label: speaker for speaker in rows if not speaker_is_persons(speaker)}
    _place_persons_speakers(session, persons, machine, previous, lines)
    kept = {speaker.label for speaker in persons}
    wanted = {identity.person_id for identity in identities if identity.person_id is not None}
    known = set(session.scalars(select(Person.id).where(Person.id.in_(wanted))))
    written = 0
    for identity in identities:
        if identity.label in kept:
            continue
        fields = _speaker_fields(identity)
        if fields["person_id"] not in known:
            fields["person_id"] = None  # a roster.json older than the database's people
        row = machine.pop(identity.label, None)
        if row is None:
            session.add(Speaker(hearing_id=hearing.id, label=identity.label, **fields))
        else:
            for name, value in fields.items():
                setattr(row, name, value)
        written += 1
    for stale in machine.values():
        session.delete(stale)
    return written, len(persons)
