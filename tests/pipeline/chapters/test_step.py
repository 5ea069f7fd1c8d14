"""run_chapter end to end against the scripted LLM server, and the offline default."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline.artifacts import ArtifactError
from pipeline.chapters.step import ChapteringError
from pipeline.cli import app
from pipeline.config import Settings, get_settings
from pipeline.llm import LlmInvalidOutput, LlmRefusal, LlmTruncated, LlmUnavailable
from pipeline.schemas import ChapterKind, Chapters, check_tiling
from pipeline.stages import HearingContext
from tests.pipeline.chapters.conftest import API_KEY, SLUG, run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import ScriptedModel, SyntheticHearing
from tests.support.fake_openai import FakeOpenAI, FakeReply, ReceivedRequest


def stored_chapters(context: HearingContext) -> Chapters:
    return context.store.read(SLUG, "chapters", Chapters)


def test_llm_chapters_follow_the_hearing(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing
) -> None:
    context = store_hearing(short_hearing)
    result = run_chapter(context)
    chapters = stored_chapters(context)
    assert [c.start_line for c in chapters.chapters] == short_hearing.starts
    assert {c.kind for c in chapters.chapters} == {ChapterKind.PUBLIC_TESTIMONY, ChapterKind.QA}
    first = chapters.chapters[0]
    assert first.title == "Discussion of parking"
    assert first.provenance.generator == "gpt-4.1-mini"
    assert first.provenance.prompt_version == "boundaries.v3+chapter.v3"
    assert chapters.summary == "A hearing on city services."
    qa = next(c for c in chapters.chapters if c.kind is ChapterKind.QA)
    assert qa.summary.startswith("Jennifer Gutiérrez question Kevin Chen.")
    assert {(p.name, p.role.value) for p in qa.people} == {
        ("Jennifer Gutiérrez", "asks"),
        ("Kevin Chen", "answers"),
    }
    testimony = chapters.chapters[0]
    assert ("Maria Lopez", "testifies") in {(p.name, p.role.value) for p in testimony.people}
    # One boundary window, one call writing all six chapters, one hearing summary.
    assert result.usage.calls == len(fake_llm.requests) == 3
    assert result.usage.tokens_in == fake_llm.tokens_received
    boundaries = fake_llm.requests[0].user_text
    assert "S1 = Jennifer Gutiérrez (Chair)" in boundaries
    assert "[0] S1: Thank you." in boundaries


def test_a_fresh_artifact_is_not_recomputed(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing
) -> None:
    context = store_hearing(short_hearing)
    first = run_chapter(context)
    calls = len(fake_llm.requests)
    again = run_chapter(context)
    assert again.skipped and again.fingerprint == first.fingerprint and again.usage.calls == 0
    forced = run_chapter(context, force=True)
    assert not forced.skipped and forced.usage.calls == 0  # served from the reply cache
    assert len(fake_llm.requests) == calls


def test_labels_stand_in_when_speakers_are_unknown(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing
) -> None:
    run_chapter(store_hearing(short_hearing, with_speakers=False))
    assert "S1 = SPEAKER_00\n" in fake_llm.requests[0].user_text
    assert "SPEAKER_00: Thank you." in fake_llm.requests[1].user_text


def test_a_new_model_or_chapterer_re_runs_the_stage(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = store_hearing(short_hearing)
    first = run_chapter(context)
    offline = run_chapter(context, chapterer="offline")
    monkeypatch.setenv("HEARINGS_LLM__TASK_MODELS", '{"chapter": "gpt-4.1-nano"}')
    get_settings.cache_clear()
    context = HearingContext.for_slug(SLUG, get_settings())
    renamed = run_chapter(context)
    assert len({first.fingerprint, offline.fingerprint, renamed.fingerprint}) == 3
    assert not renamed.skipped
    assert stored_chapters(context).chapters[0].provenance.generator == "gpt-4.1-nano"
    writing = [r for r in fake_llm.requests if r.schema_name == "ChapterTexts"]
    assert writing[-1].body["model"] == "gpt-4.1-nano"


def bad_numbers(request: ReceivedRequest) -> list[dict[str, object]]:
    starts = ScriptedModel().boundaries(request)
    junk = [{"start_line": n, "kind": "qa"} for n in (-5, 10_000, 0, 0)]
    overlapping = [{"start_line": s["start_line"] + 1, "kind": "vote"} for s in starts]
    return [*starts, *junk, *overlapping, *starts]


def test_out_of_range_duplicate_and_overlapping_numbers_still_tile(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing
) -> None:
    fake_llm.responder = ScriptedModel(bad_numbers)
    context = store_hearing(short_hearing)
    run_chapter(context)
    chapters = stored_chapters(context)
    check_tiling(chapters.chapters, len(short_hearing.lines.lines))
    assert chapters.chapters[0].start_line == 0


@pytest.mark.parametrize(
    "hiccup",
    [
        FakeReply(status=429, headers={"Retry-After": "0.01"}),
        FakeReply(status=502),
        FakeReply(content="{}", delay_seconds=1.0),
    ],
    ids=["429-retry-after", "502", "timeout"],
)
def test_transient_failures_do_not_change_the_chapters(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing, hiccup: FakeReply
) -> None:
    context = store_hearing(short_hearing)
    fake_llm.script(hiccup)
    result = run_chapter(context)
    assert [c.start_line for c in stored_chapters(context).chapters] == short_hearing.starts
    assert result.usage.calls == len(fake_llm.requests) - 1


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (FakeReply(refusal="I won't."), LlmRefusal),
        (FakeReply(content='{"chapters": [', finish_reason="length"), LlmTruncated),
        (FakeReply(content="not json"), LlmInvalidOutput),
        (FakeReply(status=500), LlmUnavailable),
    ],
    ids=["refusal", "truncation", "invalid-twice", "server-down"],
)
def test_a_failed_run_keeps_the_earlier_chapters(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing, failure: FakeReply, error: type
) -> None:
    context = store_hearing(short_hearing)
    run_chapter(context, chapterer="offline")
    before = context.store.path(SLUG, "chapters").read_bytes()
    fake_llm.script(*[failure] * 8)  # a truncated window is asked again in halves
    with pytest.raises(error) as raised:
        run_chapter(context, chapterer="llm")
    assert API_KEY not in str(raised.value)
    assert context.store.path(SLUG, "chapters").read_bytes() == before


def test_offline_is_the_default_without_an_llm(
    settings: Settings, short_hearing: SyntheticHearing
) -> None:
    context = store_hearing(short_hearing)
    result = run_chapter(context)
    chapters = stored_chapters(context)
    assert result.summary.endswith("(offline)") and result.usage.calls == 0
    assert all(c.provenance.generator == "offline" for c in chapters.chapters)
    with pytest.raises(ChapteringError, match="no LLM is configured"):
        run_chapter(context, chapterer="llm")


def test_missing_lines_are_a_clear_error(settings: Settings) -> None:
    with pytest.raises(ArtifactError, match="lines"):
        run_chapter(HearingContext.for_slug(SLUG, settings))


def test_the_cli_chapters_a_hearing(fake_llm: FakeOpenAI, short_hearing: SyntheticHearing) -> None:
    store_hearing(short_hearing)
    runner = CliRunner()
    result = runner.invoke(app, ["chapter", SLUG, "--chapterer", "offline"])
    assert result.exit_code == 0, result.output
    assert "chapters (offline)" in result.output
    result = runner.invoke(app, ["chapter", SLUG])
    assert result.exit_code == 0 and "LLM:" in result.output
    result = runner.invoke(app, ["chapter", "no-such-hearing"])
    assert result.exit_code == 1 and "run the stage that writes 'lines' first" in result.output
    result = runner.invoke(app, ["chapter", "Bad Slug!"])
    assert result.exit_code == 1 and "invalid hearing slug" in result.output
