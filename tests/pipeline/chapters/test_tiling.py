"""Our code turns any proposed starts into chapters that tile the hearing."""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from pipeline.chapters.segmentation import best_split
from pipeline.chapters.tiling import Proposal, Span, enforce_invariants, merge_tiny, tile
from pipeline.schemas import ChapterKind, Line

QA, VOTE, OTHER = ChapterKind.QA, ChapterKind.VOTE, ChapterKind.OTHER


def lines_every(seconds: float, count: int) -> list[Line]:
    return [
        Line(
            index=i,
            speaker_label=f"S{i // 3}",
            start=i * seconds,
            end=(i + 1) * seconds,
            text=f"sentence {i} about topic {i // 10}",
        )
        for i in range(count)
    ]


def test_out_of_range_duplicate_and_unsorted_starts_are_cleaned() -> None:
    proposals = [
        Proposal(7, QA),
        Proposal(-3, QA),
        Proposal(3, VOTE),
        Proposal(7, OTHER),
        Proposal(99, QA),
    ]
    assert tile(proposals, 10) == [Span(0, 7, VOTE), Span(7, 10, QA)]


def test_no_usable_start_gives_one_chapter() -> None:
    assert tile([Proposal(50, QA)], 10) == [Span(0, 10, OTHER)]
    assert tile([], 0) == []


def test_tiny_chapters_fold_into_a_neighbour_unless_procedural() -> None:
    lines = lines_every(5.0, 20)
    spans = [
        Span(0, 2, QA),
        Span(2, 10, OTHER),
        Span(10, 11, VOTE),
        Span(11, 12, QA),
        Span(12, 20, OTHER),
    ]
    assert merge_tiny(spans, lines, min_seconds=30) == [
        Span(0, 10, OTHER),
        Span(10, 11, VOTE),
        Span(11, 20, OTHER),
    ]


@pytest.mark.parametrize("seed", range(20))
def test_random_proposals_always_tile(seed: int) -> None:
    rng = random.Random(seed)
    lines = lines_every(rng.uniform(1, 20), rng.randint(1, 300))
    kinds = list(ChapterKind)
    proposals = [
        Proposal(rng.randint(-20, 320), rng.choice(kinds)) for _ in range(rng.randint(0, 40))
    ]
    spans = enforce_invariants(
        proposals, lines, max_seconds=600, min_seconds=30, choose_split=best_split
    )
    assert spans[0].start_line == 0 and spans[-1].stop_line == len(lines)
    for before, after in pairwise(spans):
        assert before.stop_line == after.start_line
    for span in spans:
        assert span.stop_line > span.start_line
        assert span.seconds(lines) <= 600 or span.stop_line - span.start_line == 1
