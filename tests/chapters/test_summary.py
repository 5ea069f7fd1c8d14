"""The hearing summary reads a chapter list that fits its token budget."""

from __future__ import annotations

from pipeline.chapters.summary import outline
from pipeline.chapters.tokens import ApproximateCounter
from pipeline.schemas import Chapter, ChapterKind, Line, Provenance

COUNTER = ApproximateCounter()


def hearing(seconds_per_chapter: list[float]) -> tuple[list[Chapter], list[Line]]:
    lines, chapters, clock = [], [], 0.0
    for position, seconds in enumerate(seconds_per_chapter):
        lines.append(
            Line(index=position, speaker_label="S", start=clock, end=clock + seconds, text="…")
        )
        clock += seconds
        chapters.append(
            Chapter(
                start_line=position,
                stop_line=position + 1,
                kind=ChapterKind.PUBLIC_TESTIMONY,
                title=f"Testimony number {position}",
                summary="A witness speaks about zoning near transit for many words. " * 3,
                bullets=["point"],
                provenance=Provenance(generator="test", prompt_version="test.v1"),
            )
        )
    return chapters, lines


def test_a_short_list_keeps_the_chapter_summaries() -> None:
    chapters, lines = hearing([60.0] * 3)
    entries = outline(chapters, lines, COUNTER, budget=500)
    assert [e["title"] for e in entries] == [f"Testimony number {n}" for n in range(3)]
    assert all(e["summary"].startswith("A witness") for e in entries)


def test_a_longer_list_keeps_titles_only() -> None:
    chapters, lines = hearing([60.0] * 20)
    entries = outline(chapters, lines, COUNTER, budget=500)
    assert len(entries) == 20 and not any(e["summary"] for e in entries)


def test_hundreds_of_chapters_keep_the_longest_in_hearing_order() -> None:
    durations = [30.0 + (position * 37) % 400 for position in range(300)]
    chapters, lines = hearing(durations)
    entries = outline(chapters, lines, COUNTER, budget=500)
    kept = [int(e["title"].rsplit(" ", 1)[1]) for e in entries]
    assert kept == sorted(kept) and 10 < len(kept) < 300
    shortest_kept = min(durations[n] for n in kept)
    assert all(durations[n] <= shortest_kept for n in range(300) if n not in kept)
    assert sum(COUNTER.count(" ".join(e.values())) + 2 for e in entries) <= 500
