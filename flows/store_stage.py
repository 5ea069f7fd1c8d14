"""The store stage: a hearing's lines, speakers and chapters into the database.

Declared like every other stage, but it writes rows instead of an artifact: its work is
done when the newest successful StageRun of `store` carries the fingerprint it would
compute now (the artifacts it stores have not changed since).
"""

from __future__ import annotations

from flows.runtime import session_factory
from models.db import transaction
from pipeline.schemas import Chapters, Lines, SpeakerIdentities
from pipeline.stages import Stage, StageCall, StageDeclaration
from pipeline.store.hearing_data import StoreReport, store_hearing_outputs
from pipeline.store.processing import hearing_by_slug, last_success_fingerprint


def _stored_already(call: StageCall, fingerprint: str) -> bool:
    with session_factory(call.settings)() as session:
        hearing = hearing_by_slug(session, call.context.slug)
        return last_success_fingerprint(session, hearing.id, Stage.STORE.value) == fingerprint


def _store(call: StageCall) -> StoreReport:
    with transaction(session_factory(call.settings)) as session:
        return store_hearing_outputs(
            session,
            hearing_by_slug(session, call.context.slug),
            call.read("lines", Lines),
            call.read("speakers", SpeakerIdentities),
            call.read("chapters", Chapters),
        )


STORE_STAGE = StageDeclaration(
    name=Stage.STORE,
    version="1",
    inputs=("lines", "speakers", "chapters"),
    output=None,
    contract=StoreReport,
    compute=_store,
    summary=StoreReport.describe,
    done_already=_stored_already,
)
