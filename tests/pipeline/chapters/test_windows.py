"""Boundary windows: overlap, chapters across window edges, and the 6-hour token budget."""

from __future__ import annotations

import itertools

from pipeline.chapters.boundaries import make_windows
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import condensed_entries, transcript_text
from pipeline.chapters.tokens import token_counter
from pipeline.schemas import Chapters
from tests.pipeline.chapters.conftest import SLUG, run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import SyntheticHearing, synthetic_hearing
from tests.support.fake_openai import FakeOpenAI


def test_windows_overlap_and_own_every_line_once(short_hearing: SyntheticHearing) -> None:
    entries = condensed_entries(short_hearing.lines.lines)
    windows = make_windows(entries, token_counter(), budget=300, overlap=60)
    assert len(windows) > 2
    assert windows[0].owned_from == 0
    assert windows[-1].owned_to == len(short_hearing.lines.lines)
    for before, after in itertools.pairwise(windows):
        assert after.first_line <= before.last_line, "consecutive windows share lines"
        assert before.owned_to == after.owned_from
        assert after.first_line <= after.owned_from <= before.last_line + 1


def test_a_chapter_crossing_a_window_edge_stays_whole(
    fake_llm: FakeOpenAI, short_hearing: SyntheticHearing
) -> None:
    context = store_hearing(short_hearing)
    options = ChapteringOptions(window_tokens=300, overlap_tokens=60)
    run_chapter(context, options=options)
    boundary_requests = [r for r in fake_llm.requests if r.schema_name == "ChapterStarts"]
    assert len(boundary_requests) > 2
    crossing = [
        r
        for r in boundary_requests
        if "Thank you. " not in r.user_text.split("Transcript, lines")[1].splitlines()[1]
    ]
    assert crossing, "some window starts inside a chapter"
    assert "Chapters before this part" in boundary_requests[1].user_text
    chapters = context.store.read(SLUG, "chapters", Chapters)
    assert [c.start_line for c in chapters.chapters] == short_hearing.starts


def test_six_hours_stay_within_the_token_budget(fake_llm: FakeOpenAI) -> None:
    hearing = synthetic_hearing(hours=6.0, section_minutes=8.0)
    context = store_hearing(hearing)
    result = run_chapter(context)
    chapters = context.store.read(SLUG, "chapters", Chapters)
    assert [c.start_line for c in chapters.chapters] == hearing.starts
    transcript_tokens = token_counter().count(transcript_text(hearing.lines.lines))
    assert fake_llm.tokens_received == result.usage.tokens_in
    assert fake_llm.tokens_received <= 1.3 * transcript_tokens, (
        fake_llm.tokens_received / transcript_tokens
    )
