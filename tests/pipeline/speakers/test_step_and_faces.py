"""The identify step on stored artifacts, then the store, `hearings speakers` and `show`."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from models import Chapter, Hearing, Person, Speaker
from models.db import make_engine, make_session_factory, transaction
from pipeline.chapters.offline import chapter_offline
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory
from pipeline.cli import app, common
from pipeline.config import get_settings
from pipeline.roster import ROSTER_ARTIFACT
from pipeline.schemas import IdentityMethod, Lines, SpeakerIdentities
from pipeline.stages import HearingContext
from pipeline.store.hearing_data import store_hearing_outputs
from tests.pipeline.speakers.transcripts import member, nyc_roster, statement, transcript
from tests.support.fake_openai import FakeOpenAI, FakeReply
from tests.support.stages import run

SLUG = "2024-10-22-housing"
runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's console takes its width at import, before CliRunner sets COLUMNS."""
    monkeypatch.setattr(common.console, "width", 200)
LINES = transcript(
    ("S0", "Good morning, I'm Council Member Pierina Sanchez, chair of the Committee on "
           "Housing and Buildings."),
    *statement("S0", 2),
    ("S0", "Council Member Restler, you have the floor."),
    *statement("S1", 3),
    ("S2", "Good morning, my name is Ana Diaz, and I live in Sunset Park."),
    *statement("S2", 3),
)  # fmt: skip


def write_inputs(context: HearingContext, roster=None) -> None:
    context.store.write(SLUG, "lines", LINES, stage_version="1", input_fingerprint="lines-1")
    roster = roster or nyc_roster()
    context.store.write(SLUG, ROSTER_ARTIFACT, roster, stage_version="1",
                        input_fingerprint=f"roster-{len(roster.members)}")  # fmt: skip


def test_identify_reads_the_roster_and_skips_when_nothing_changed() -> None:
    context = HearingContext.for_slug(SLUG, get_settings())
    write_inputs(context)
    first = run(context, "identify")
    speakers = context.store.read(SLUG, "speakers", SpeakerIdentities).by_label()
    assert [speakers[label].name for label in ("S0", "S1", "S2")] == [
        "Pierina Ana Sanchez", "Lincoln Restler", "Ana Diaz",
    ]  # fmt: skip
    assert not first.skipped and first.summary == "3 speakers, 3 named (3 by rules, 0 by the LLM)"
    assert run(context, "identify").skipped
    write_inputs(context, nyc_roster([member(9999, "Ana Diaz")]))  # a new roster: re-run
    again = run(context, "identify")
    assert not again.skipped and again.fingerprint != first.fingerprint
    assert (
        context.store.read(SLUG, "speakers", SpeakerIdentities).by_label()["S2"].person_id == 9999
    )


def test_without_roster_json_identify_still_runs() -> None:
    context = HearingContext.for_slug(SLUG, get_settings())
    context.store.write(SLUG, "lines", LINES, stage_version="1", input_fingerprint="lines-1")
    run(context, "identify")
    speakers = context.store.read(SLUG, "speakers", SpeakerIdentities).by_label()
    assert speakers["S0"].name == "Pierina Sanchez" and speakers["S0"].person_id is None
    assert speakers["S1"].name is None  # "Council Member Restler" alone is only a surname


def test_with_an_llm_configured_the_open_labels_are_asked(monkeypatch) -> None:
    more = [*LINES.lines, *transcript(*statement("S3", 2)).lines]
    lines = Lines(lines=[line.model_copy(update={"index": i}) for i, line in enumerate(more)])
    with FakeOpenAI() as server:
        server.script(FakeReply.json({"speakers": []}))
        monkeypatch.setenv("HEARINGS_LLM__BASE_URL", server.base_url)
        get_settings.cache_clear()
        context = HearingContext.for_slug(SLUG, get_settings())
        write_inputs(context)
        context.store.write(SLUG, "lines", lines, stage_version="1", input_fingerprint="lines-2")
        result = run(context, "identify")
    (request,) = server.requests
    assert "## S3" in request.prompt_text and "## S0" not in request.prompt_text
    assert result.usage.calls == 1 and result.usage.tokens_in == request.tokens_in


@pytest.fixture
def stored_hearing() -> HearingContext:
    context = HearingContext.for_slug(SLUG, get_settings())
    write_inputs(context)
    run(context, "identify")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    store_once(context)
    return context


def store_once(context: HearingContext) -> None:
    speakers = context.store.read(SLUG, "speakers", SpeakerIdentities)
    chapters = chapter_offline(LINES.lines, SpeakerDirectory.from_identities(speakers),
                               ChapteringOptions())  # fmt: skip
    factory = make_session_factory(make_engine(get_settings().effective_database_url))
    with transaction(factory) as session:
        hearing = session.scalar(select(Hearing).where(Hearing.slug == SLUG))
        if hearing is None:
            hearing = Hearing(slug=SLUG, title="Committee on Housing and Buildings")
            session.add(hearing)
            session.flush()
        store_hearing_outputs(session, hearing, LINES, speakers, chapters)


def test_a_human_fixed_name_survives_a_rerun(stored_hearing) -> None:
    factory = make_session_factory(make_engine(get_settings().effective_database_url))
    with transaction(factory) as session:
        row = session.scalar(select(Speaker).where(Speaker.label == "S2"))
        row.name = row.display_name = "Ana M. Díaz"
        row.method, row.edited_by = IdentityMethod.HUMAN, "editor@example.org"
    run(stored_hearing, "identify", force=True)
    store_once(stored_hearing)
    with factory() as session:
        names = {s.label: (s.display_name, s.method) for s in session.scalars(select(Speaker))}
        people = [p for c in session.scalars(select(Chapter)) for p in c.people]
    assert names["S2"] == ("Ana M. Díaz", "human")
    assert names["S0"] == ("Pierina Ana Sanchez", "rule")
    assert {(p["label"], p["role"]) for p in people} >= {("S0", "chairs")}

    table = runner.invoke(app, ["speakers", SLUG])
    assert table.exit_code == 0, table.output
    assert "Ana M. Díaz" in table.output and "human" in table.output
    assert "Pierina Ana Sanchez" in table.output and "[0] 0:00:00 Good morning" in table.output

    shown = runner.invoke(app, ["show", SLUG, "--lines"])
    assert shown.exit_code == 0, shown.output
    assert "Pierina Ana Sanchez chairs" in shown.output
    assert "Ana M. Díaz 0:" in shown.output  # the editor's name on the transcript lines


def test_speakers_command_reads_the_artifact_before_the_hearing_is_stored() -> None:
    context = HearingContext.for_slug(SLUG, get_settings())
    write_inputs(context)
    run(context, "identify")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["speakers", SLUG])
    assert result.exit_code == 0, result.output
    assert "3 of 3 speakers named" in result.output and "Lincoln Restler" in result.output
    missing = runner.invoke(app, ["speakers", "no-such-hearing"])
    assert missing.exit_code == 1 and "no speakers for 'no-such-hearing'" in missing.output


def test_stored_speakers_link_roster_people_the_database_knows() -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    factory = make_session_factory(make_engine(get_settings().effective_database_url))
    with transaction(factory) as session:
        session.add(Person(id=7631, legistar_id=7631, full_name="Pierina Ana Sanchez"))
    context = HearingContext.for_slug(SLUG, get_settings())
    write_inputs(context)  # Restler (7660) is on the roster but not in this database
    run(context, "identify")
    store_once(context)
    with factory() as session:
        links = {s.label: s.person_id for s in session.scalars(select(Speaker))}
    assert links == {"S0": 7631, "S1": None, "S2": None}
