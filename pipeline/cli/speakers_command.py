"""`hearings speakers SLUG`: who each diarization label is, as a table.

Rows come from the database when the hearing is stored (so names fixed by an editor show,
method "human"), else from `speakers.json`; the evidence column is the first line that
named the speaker (or its first line when nobody did), from `speakers.json`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from models import Hearing
from pipeline.artifacts import ArtifactError, ArtifactStore
from pipeline.cli.common import console, fail, load_settings_or_fail, open_database
from pipeline.cli.show_command import clock
from pipeline.schemas import Lines, SpeakerIdentities, SpeakerIdentity
from pipeline.store.speaker_rows import identity_of

# The identify stage's artifact, named here: importing the stage would bring the LLM client
# into every command's start-up.
ARTIFACT = "speakers"

EVIDENCE_WORDS = 10


def stored_identities(slug: str) -> list[SpeakerIdentity] | None:
    """The hearing's speakers as stored (human edits included), or None when not stored."""
    factory = open_database(load_settings_or_fail())
    with factory() as session:
        hearing = session.scalars(select(Hearing).where(Hearing.slug == slug)).one_or_none()
        if hearing is None or not hearing.speakers:
            return None
        return [
            identity_of(row)
            for row in hearing.speakers
        ]


def evidence_text(index: int | None, lines: Lines | None) -> str:
    if index is None:
        return ""
    if lines is None or index >= len(lines.lines):
        return f"[{index}]"
    line = lines.lines[index]
    words = line.text.split()
    text = " ".join(words[:EVIDENCE_WORDS]) + (" …" if len(words) > EVIDENCE_WORDS else "")
    return f"[{index}] {clock(line.start)} {text}"


def read_artifact(store: ArtifactStore, slug: str, name: str, contract: type) -> object | None:
    try:
        return store.read(slug, name, contract)
    except ArtifactError:
        return None


def speakers(
    slug: Annotated[str, typer.Argument(help="the hearing's slug (see `hearings status`)")],
) -> None:
    """Print who each speaker label is: name, role, organization, confidence, method."""
    settings = load_settings_or_fail()
    store = ArtifactStore(settings.hearings_dir)
    artifact = read_artifact(store, slug, ARTIFACT, SpeakerIdentities)
    lines = read_artifact(store, slug, "lines", Lines)
    rows = stored_identities(slug)
    if rows is None:
        if not isinstance(artifact, SpeakerIdentities):
            fail(f"no speakers for {slug!r}: run `hearings ingest` (or the identify stage) first")
        rows = artifact.speakers
    evidence = artifact.by_label() if isinstance(artifact, SpeakerIdentities) else {}
    table = Table(
        "label", "name", "role", "organization", "confidence", "method", "evidence",
        title=f"{slug}: {sum(1 for row in rows if row.name)} of {len(rows)} speakers named",
    )  # fmt: skip
    for row in rows:
        found = evidence.get(row.label)
        first = found.evidence[0] if found and found.evidence else None
        table.add_row(
            escape(row.label),
            escape(row.display_name),
            escape(row.role or ""),
            escape(row.organization or ""),
            f"{row.confidence:.2f}",
            row.method.value,
            escape(evidence_text(first, lines if isinstance(lines, Lines) else None)),
        )
    console.print(table)
