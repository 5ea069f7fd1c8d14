"""Chapter windows and batches sized from the model's context, and what a small server does."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import prompt_samples
from pipeline.chapters.tokens import CONSERVATIVE_CHARACTERS_PER_TOKEN, counter_for
from pipeline.cli import app
from pipeline.config import LlmSettings, get_settings
from pipeline.llm import LlmClient, LlmRefusal
from pipeline.schemas import Chapters
from tests.pipeline.chapters.conftest import SLUG, run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import ScriptedModel, SyntheticHearing
from tests.support.fake_openai import FakeOpenAI, FakeReply, ReceivedRequest
from tests.support.llm_fixtures import Serve
from tests.support.llm_profiles import LLAMA_CPP, ServerProfile


@pytest.fixture
def serve(serve: Serve) -> Serve:
    """The shared fake server, answering as the scripted chapter model unless told otherwise."""

    def start(profile: ServerProfile, responder=None, **settings: str) -> FakeOpenAI:  # type: ignore[no-untyped-def]
        return serve(profile, responder or ScriptedModel(), **settings)

    return start


def test_every_call_fits_an_8k_context_and_a_large_one_keeps_the_defaults() -> None:
    small = ChapteringOptions().fit_to_context(LlmSettings(context_tokens=8192))
    assert small.window_tokens + small.boundary_reply_tokens + 700 <= 8192 * 0.9
    writing = small.batch_tokens + small.batch_chapters * small.chapter_reply_tokens
    assert writing + 500 <= 8192 * 0.9
    assert small.max_chapter_tokens + small.chapter_reply_tokens + 500 <= 8192 * 0.9
    assert small.max_outline_tokens + 600 + 300 <= 8192 * 0.9
    per_task = LlmSettings(task_context_tokens={"chapter": 4096})
    assert ChapteringOptions().fit_to_context(per_task).batch_chapters < 16
    assert ChapteringOptions().fit_to_context(LlmSettings()) == ChapteringOptions()


def test_the_servers_tokenizer_calibrates_the_count(
    serve: Serve, short_hearing: SyntheticHearing
) -> None:
    samples = prompt_samples(short_hearing.lines.lines)
    serve(LLAMA_CPP)
    counter = counter_for(LlmClient(get_settings().llm, None), False, samples)
    assert counter.count("x" * 2900) == pytest.approx(1000, abs=2)
    serve(ServerProfile())  # no tokenize endpoint
    counter = counter_for(LlmClient(get_settings().llm, None), False, samples)
    assert counter.count("x" * 3000) == 3000 / CONSERVATIVE_CHARACTERS_PER_TOKEN


def test_a_server_with_less_context_than_set_gets_smaller_windows(
    serve: Serve, short_hearing: SyntheticHearing
) -> None:
    server = serve(ServerProfile(context_tokens=1900, tokenize=True), context_tokens="4096")
    context = store_hearing(short_hearing)
    result = run_chapter(context)
    chapters = context.store.read(SLUG, "chapters", Chapters)
    assert [chapter.start_line for chapter in chapters.chapters] == short_hearing.starts
    rejected = [r for r in server.requests if r.tokens_in + r.body["max_tokens"] > 1900]
    assert {r.schema_name for r in rejected} == {"ChapterStarts", "ChapterTexts"}
    # The window went in halves; a chapter too long alone was shown abridged.
    assert sum(r.schema_name == "ChapterStarts" for r in server.requests) == 3
    assert any("[…]" in r.prompt_text for r in server.requests if r not in rejected)
    assert result.usage.calls == len(server.requests) - len(rejected)
    assert server.most_in_flight == 1  # a local server gets one call at a time


class TruncatesFirstBatch(ScriptedModel):
    def __init__(self) -> None:
        super().__init__()
        self.truncated: list[int] = []

    def __call__(self, request: ReceivedRequest) -> FakeReply:
        properties = (request.schema or {}).get("properties", {})
        if request.schema_name == "ChapterTexts" and not self.truncated and len(properties) > 1:
            self.truncated.append(len(properties))
            return FakeReply(content='{"chapter_1": {"title": "A', finish_reason="length")
        return super().__call__(request)


def test_a_batch_cut_at_its_limit_is_written_again_in_halves(
    serve: Serve, short_hearing: SyntheticHearing
) -> None:
    model = TruncatesFirstBatch()
    server = serve(ServerProfile(tokenize=True), model)
    context = store_hearing(short_hearing)
    result = run_chapter(context)
    chapters = context.store.read(SLUG, "chapters", Chapters)
    assert all(chapter.title.startswith("Discussion of") for chapter in chapters.chapters)
    sizes = [
        len(r.schema["properties"]) for r in server.requests if r.schema_name == "ChapterTexts"
    ]
    assert sizes[0] == model.truncated[0] == len(short_hearing.starts)
    assert sizes[1:] == [3, 3]
    assert result.usage.calls == len(server.requests)  # the cut reply counts too


def test_a_failed_run_reports_the_tokens_it_spent(
    serve: Serve, short_hearing: SyntheticHearing
) -> None:
    def refuse_the_summary(request: ReceivedRequest) -> FakeReply:
        if request.schema_name == "HearingSummary":
            return FakeReply(refusal="No.")
        return ScriptedModel()(request)

    server = serve(ServerProfile(tokenize=True), refuse_the_summary)
    with pytest.raises(LlmRefusal) as raised:
        run_chapter(store_hearing(short_hearing))
    spent = raised.value.usage
    assert spent.calls == len(server.requests) == 3  # boundaries, writing, the refused summary
    assert spent.tokens_in == server.tokens_received and spent.unpriced_calls == 3


def test_the_cli_says_what_a_failed_run_spent(
    serve: Serve, short_hearing: SyntheticHearing
) -> None:
    serve(ServerProfile(tokenize=True), lambda request: FakeReply(refusal="No."))
    store_hearing(short_hearing)
    result = CliRunner().invoke(app, ["chapter", SLUG, "--chapterer", "llm"])
    assert result.exit_code == 1
    assert "refused: No." in result.output
    assert "LLM before failing: 1 calls" in result.output and "cost unknown" in result.output


class TruncatesFirstChapter(ScriptedModel):
    cut = False

    def __call__(self, request: ReceivedRequest) -> FakeReply:
        if request.schema_name == "ChapterTexts" and not self.cut:
            self.cut = True
            return FakeReply(content='{"chapter_1": {"title": "cut', finish_reason="length")
        return super().__call__(request)


def test_a_single_chapter_cut_at_its_limit_gets_twice_the_room_once(
    serve: Serve, short_hearing: SyntheticHearing
) -> None:
    server = serve(ServerProfile(tokenize=True), TruncatesFirstChapter())
    context = store_hearing(short_hearing)
    run_chapter(context, options=ChapteringOptions(batch_chapters=1))
    limits = [r.body["max_tokens"] for r in server.requests if r.schema_name == "ChapterTexts"]
    assert limits[:2] == [600, 1200] and set(limits[2:]) == {600}
    chapters = context.store.read(SLUG, "chapters", Chapters)
    assert len(chapters.chapters) == len(short_hearing.starts)
