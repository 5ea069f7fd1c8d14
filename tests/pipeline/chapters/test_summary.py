"""The hearing summary is written from the chapter summaries; only an extreme list thins out."""

from __future__ import annotations

from pipeline.chapters.summary import entry_cost, outline
from pipeline.chapters.tokens import ApproximateCounter
from pipeline.schemas import Chapter, ChapterKind, Line, Provenance
from tests.pipeline.chapters.conftest import run_chapter, store_hearing
from tests.pipeline.chapters.synthetic import synthetic_hearing
from tests.support.fake_openai import FakeOpenAI

COUNTER = ApproximateCounter()
SUMMARY = "A witness speaks about zoning near transit for many words. " * 3


def hearing(
    seconds_per_chapter: list[float], procedural: frozenset[int] = frozenset()
) -> tuple[list[Chapter], list[Line]]:
    lines, chapters, clock = [], [], 0.0
    for position, seconds in enumerate(seconds_per_chapter):
        lines.append(
            Line(index=position, speaker_label="S", start=clock, end=clock + seconds, text="…")
        )
        clock += seconds
        kind = ChapterKind.PROCEDURE if position in procedural else ChapterKind.PUBLIC_TESTIMONY
        chapters.append(
            Chapter(
                start_line=position,
                stop_line=position + 1,
                kind=kind,
                title=f"Testimony number {position}",
                summary=SUMMARY,
                bullets=["point"],
                provenance=Provenance(generator="test", prompt_version="test.v1"),
            )
        )
    return chapters, lines


def numbers(entries: list[dict[str, str]], *, summarized: bool | None = None) -> list[int]:
    return [
        int(entry["title"].rsplit(" ", 1)[1])
        for entry in entries
        if summarized is None or bool(entry["summary"]) == summarized
    ]


def test_a_three_hour_hearing_summary_reads_every_chapter_summary(fake_llm: FakeOpenAI) -> None:
    hearing_3h = synthetic_hearing(hours=3.0)
    run_chapter(store_hearing(hearing_3h))
    summary_request = next(r for r in fake_llm.requests if r.schema_name == "HearingSummary")
    listed = summary_request.prompt_text.splitlines()
    assert len(listed) == len(hearing_3h.starts) == 30
    assert all(" The chapter covers " in line.split(" — ")[1] for line in listed), listed[:3]
    assert listed[0] == (
        "Public testimony: Discussion of parking — Maria Lopez testifies. "
        "The chapter covers parking."
    )


def test_a_list_within_budget_is_whole() -> None:
    chapters, lines = hearing([60.0] * 40)
    entries = outline(chapters, lines, COUNTER, budget=8000)
    assert numbers(entries, summarized=True) == list(range(40))
    assert all(entry["summary"] == SUMMARY for entry in entries)


def test_procedural_then_short_chapters_lose_their_summaries_first() -> None:
    durations = [300.0, 40.0, 600.0, 90.0, 200.0, 500.0, 60.0, 120.0]
    chapters, lines = hearing(durations, procedural=frozenset({2}))
    whole = sum(entry_cost(entry, COUNTER) for entry in outline(chapters, lines, COUNTER, 10**6))
    entries = outline(chapters, lines, COUNTER, budget=whole - 120)
    assert numbers(entries) == [0, 1, 3, 4, 5, 6, 7], "the procedural one goes, though longest"
    untold = set(numbers(entries)) - set(numbers(entries, summarized=True))
    assert untold == {1, 6}, "the two shortest keep their titles only"
    assert sum(entry_cost(entry, COUNTER) for entry in entries) <= whole - 120


def test_an_extreme_list_thins_out_gradually_in_hearing_order() -> None:
    durations = [30.0 + (position * 37) % 400 for position in range(300)]
    chapters, lines = hearing(durations)
    entries = outline(chapters, lines, COUNTER, budget=3000)
    listed, summarized = numbers(entries), numbers(entries, summarized=True)
    assert listed == sorted(listed) and 0 < len(summarized) < len(listed) < 300
    shortest_summarized = min(durations[n] for n in summarized)
    shortest_listed = min(durations[n] for n in listed)
    assert all(durations[n] <= shortest_summarized for n in set(listed) - set(summarized))
    assert all(durations[n] <= shortest_listed for n in set(range(300)) - set(listed))
    assert sum(entry_cost(entry, COUNTER) for entry in entries) <= 3000
