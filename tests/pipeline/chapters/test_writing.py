"""Writing several consecutive chapters in one call: batching, the batch schema, bad batches."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory, chapter_text
from pipeline.chapters.tiling import Span
from pipeline.chapters.tokens import ApproximateCounter
from pipeline.chapters.writing import ChapterView, batch_views, chapter_view
from pipeline.schemas import ChapterKind, Chapters
from tests.pipeline.chapters.conftest import SLUG, run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import (
    ScriptedModel,
    SyntheticHearing,
    batch_schemas,
    batch_sections,
)
from tests.support.fake_openai import FakeOpenAI, FakeReply, ReceivedRequest

FOUR_PER_CALL = ChapteringOptions(batch_chapters=4)
Tamper = Callable[[dict[str, dict[str, object]]], None]


def view(tokens: int, start: int) -> ChapterView:
    return ChapterView(Span(start, start + 1, ChapterKind.OTHER), [], "text", tokens)


def test_batches_keep_order_and_respect_both_limits() -> None:
    views = [view(tokens, start) for start, tokens in enumerate([300, 300, 300, 900, 5000, 100])]
    options = ChapteringOptions(batch_tokens=1000, batch_chapters=2)
    batches = batch_views(views, options)
    assert [[v.span.start_line for v in batch] for batch in batches] == [[0, 1], [2], [3], [4], [5]]


def test_a_long_chapter_is_shown_abridged_from_both_ends(
    short_hearing: SyntheticHearing,
) -> None:
    lines = short_hearing.lines.lines
    speakers = SpeakerDirectory.from_identities(short_hearing.speakers)
    span = Span(0, 50, ChapterKind.PUBLIC_TESTIMONY)
    counter = ApproximateCounter()
    whole = chapter_view(span, lines, speakers, counter, budget=100_000)
    abridged = chapter_view(span, lines, speakers, counter, budget=300)
    assert "[…]" not in whole.transcript and len(whole.shown) == 50
    head, tail = abridged.transcript.split("\n[…]\n")
    assert head.startswith("Jennifer Gutiérrez: Thank you. Our next panel will testify")
    assert tail.endswith(lines[49].text)
    assert abridged.tokens < 400 < whole.tokens
    numbers = [line.index for line in abridged.shown]
    head_count = next(n for n, number in enumerate(numbers) if number != n)
    tail_count = len(numbers) - head_count
    assert numbers == [*range(head_count), *range(50 - tail_count, 50)]


def writing_requests(server: FakeOpenAI) -> list[ReceivedRequest]:
    return [r for r in server.requests if r.schema_name == "ChapterTexts"]


def test_consecutive_chapters_share_a_call_and_each_is_shown_its_own_lines(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing
) -> None:
    context = store_hearing(short_hearing)
    run_chapter(context, options=FOUR_PER_CALL)
    chapters = context.store.read(SLUG, "chapters", Chapters).chapters
    lines = short_hearing.lines.lines
    speakers = SpeakerDirectory.from_identities(short_hearing.speakers)
    own_lines = [chapter_text(lines[c.start_line : c.stop_line], speakers) for c in chapters]
    # The two calls run in parallel: put them in hearing order by their first chapter.
    requests = sorted(
        writing_requests(fake_llm),
        key=lambda request: own_lines.index(next(iter(batch_sections(request).values()))),
    )
    assert [len(batch_sections(r)) for r in requests] == [4, 2]
    shown = [text for request in requests for text in batch_sections(request).values()]
    assert shown == own_lines
    kinds = [schema for request in requests for schema in batch_schemas(request).values()]
    assert kinds == [
        "QaChapterText" if c.kind is ChapterKind.QA else "TestimonyChapterText" for c in chapters
    ]
    topics = ["parking", "housing", "transit", "schools", "parks", "sanitation"]
    assert [c.title for c in chapters] == [f"Discussion of {topic}" for topic in topics]
    assert requests[0].prompt_text.startswith("Speakers: Jennifer Gutiérrez (Chair); Maria Lopez")


def drop_second(answer: dict[str, dict[str, object]]) -> None:
    del answer["chapter_2"]


def add_one(answer: dict[str, dict[str, object]]) -> None:
    answer[f"chapter_{len(answer) + 1}"] = answer["chapter_1"]


def qa_answered_as_testimony(answer: dict[str, dict[str, object]]) -> None:
    # chapter_2 is a Q&A chapter: answer it in the testimony schema instead.
    answer["chapter_2"] = answer["chapter_1"]


BAD_BATCHES = [
    (drop_second, r"chapter_2: Field required"),
    (add_one, r"chapter_\d: Extra inputs are not permitted"),
    (qa_answered_as_testimony, r"chapter_2\.asked_by: Field required"),
]
BAD_BATCH_IDS = ["missing-chapter", "extra-chapter", "wrong-kind-schema"]


class TamperingModel(ScriptedModel):
    """A scripted model whose first `times` writing answers are spoiled by `tamper`."""

    def __init__(self, tamper: Tamper, times: int) -> None:
        super().__init__()
        self.tamper = tamper
        self.times = times

    def __call__(self, request: ReceivedRequest) -> FakeReply:
        reply = super().__call__(request)
        if request.schema_name != "ChapterTexts" or self.times == 0:
            return reply
        self.times -= 1
        answer = json.loads(reply.content or "{}")
        self.tamper(answer)
        return FakeReply.json(answer)


@pytest.mark.parametrize(("tamper", "problem"), BAD_BATCHES, ids=BAD_BATCH_IDS)
def test_a_bad_batch_answer_is_re_asked_with_the_problem(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing, tamper: Tamper, problem: str
) -> None:
    fake_llm.responder = TamperingModel(tamper, times=1)
    context = store_hearing(short_hearing)
    result = run_chapter(context, options=FOUR_PER_CALL)
    writing = writing_requests(fake_llm)
    repair = next(request for request in writing if len(request.messages) > 2)
    assert re.search(problem, repair.user_text)
    assert repair.prompt_text in [r.prompt_text for r in writing if r is not repair]
    chapters = context.store.read(SLUG, "chapters", Chapters).chapters
    assert [c.start_line for c in chapters] == short_hearing.starts
    assert chapters[1].title == "Discussion of housing"
    assert result.usage.calls == len(fake_llm.requests) == 1 + 2 + 1 + 1


@pytest.mark.parametrize(("tamper", "problem"), BAD_BATCHES, ids=BAD_BATCH_IDS)
def test_a_batch_bad_twice_is_written_again_in_halves(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing, tamper: Tamper, problem: str
) -> None:
    fake_llm.responder = TamperingModel(tamper, times=2)
    context = store_hearing(short_hearing)

    result = run_chapter(context, chapterer="llm", options=ChapteringOptions(batch_chapters=6))

    chapters = context.store.read(SLUG, "chapters", Chapters).chapters
    assert [c.start_line for c in chapters] == short_hearing.starts
    assert {c.provenance.generator for c in chapters} == {"gpt-4.1-mini"}
    assert chapters[1].title == "Discussion of housing"
    assert len(writing_requests(fake_llm)) == 2 + 2  # the batch and its re-ask, then halves
    assert result.usage.calls == len(fake_llm.requests)


def test_a_chapter_the_model_never_writes_well_is_written_offline_and_marked(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing, caplog: pytest.LogCaptureFixture
) -> None:
    fake_llm.responder = TamperingModel(add_one, times=1000)  # every answer, single ones too
    context = store_hearing(short_hearing)

    result = run_chapter(context, chapterer="llm", options=FOUR_PER_CALL)

    chapters = context.store.read(SLUG, "chapters", Chapters).chapters
    assert [c.start_line for c in chapters] == short_hearing.starts  # the LLM's boundaries
    assert {c.provenance.generator for c in chapters} == {"offline"}
    assert all(c.title and c.summary for c in chapters)
    assert "Extra inputs are not permitted" in caplog.text
    assert "written from its own words instead" in caplog.text
    assert result.usage.calls == len(fake_llm.requests)
