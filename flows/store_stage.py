"""The store stage: a hearing's lines, speakers and chapters artifacts into the database.

It reads artifacts and fingerprints like a stage but writes the database, so it sits with the
orchestration (stages never import storage); the writing itself, which keeps human edits, is
storage's `store_hearing_outputs`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from models.db import transaction
from pipeline.artifacts import fingerprint
from pipeline.schemas import Chapters, Lines, SpeakerIdentities
from pipeline.stages import HearingContext, Stage, StageResult
from pipeline.store.hearing_data import StoreError, store_hearing_outputs
from pipeline.store.processing import hearing_by_slug, last_success_fingerprint

STAGE_VERSION = "1"
ARTIFACTS = ("lines", "speakers", "chapters")


def store_stage(
    factory: sessionmaker[Session], context: HearingContext, *, force: bool = False
) -> StageResult:
    """The store stage: artifacts into the database, skipped when they are already there."""
    headers = [context.store.header(context.slug, name) for name in ARTIFACTS]
    missing = [name for name, header in zip(ARTIFACTS, headers, strict=True) if header is None]
    if missing:
        raise StoreError(f"cannot store {context.slug!r}: missing {', '.join(missing)}")
    input_fingerprint = fingerprint(
        Stage.STORE.value, STAGE_VERSION, *(header.fingerprint for header in headers if header)
    )
    with transaction(factory) as session:
        hearing = hearing_by_slug(session, context.slug)
        stored = last_success_fingerprint(session, hearing.id, Stage.STORE)
        if not force and stored == input_fingerprint:
            return StageResult(Stage.STORE, skipped=True, fingerprint=input_fingerprint)
        report = store_hearing_outputs(
            session,
            hearing,
            context.store.read(context.slug, "lines", Lines),
            context.store.read(context.slug, "speakers", SpeakerIdentities),
            context.store.read(context.slug, "chapters", Chapters),
        )
    return StageResult(
        Stage.STORE, skipped=False, fingerprint=input_fingerprint, summary=report.describe()
    )
