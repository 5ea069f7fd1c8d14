"""Editors' boundary changes go through the pipeline's own tiling and keep its invariants."""

from __future__ import annotations

import pytest

from pipeline.chapters.editing import TilingEditError, merge_with_next, move_start, split_at
from pipeline.chapters.tiling import Span
from pipeline.schemas import ChapterKind

QA, VOTE = ChapterKind.QA, ChapterKind.VOTE
SPANS = [Span(0, 10, QA), Span(10, 20, VOTE), Span(20, 30, QA)]


def bounds(spans: list[Span]) -> list[tuple[int, int]]:
    return [(span.start_line, span.stop_line) for span in spans]


def test_split_adds_a_chapter_of_the_same_kind() -> None:
    spans = split_at(SPANS, 1, 15, 30)
    assert bounds(spans) == [(0, 10), (10, 15), (15, 20), (20, 30)]
    assert spans[2].kind is VOTE


def test_move_start_resizes_both_neighbours() -> None:
    assert bounds(move_start(SPANS, 2, 12, 30)) == [(0, 10), (10, 12), (12, 30)]
    assert bounds(move_start(SPANS, 1, 1, 30)) == [(0, 1), (1, 20), (20, 30)]


def test_merge_absorbs_the_next_chapter() -> None:
    merged = merge_with_next(SPANS, 0, 30)
    assert bounds(merged) == [(0, 20), (20, 30)] and merged[0].kind is QA


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda: split_at(SPANS, 1, 10, 30), "between lines 11 and 19"),
        (lambda: split_at(SPANS, 1, 20, 30), "not at 20"),
        (lambda: move_start(SPANS, 1, 0, 30), "between lines 1 and 19"),
        (lambda: move_start(SPANS, 1, 20, 30), "not at 20"),
        (lambda: move_start(SPANS, 0, 3, 30), "always starts at line 0"),
        (lambda: merge_with_next(SPANS, 2, 30), "no next chapter"),
        (lambda: split_at(SPANS, 7, 3, 30), "there is no chapter 8"),
    ],
)
def test_edits_that_would_break_the_tiling_are_refused(edit, message: str) -> None:
    with pytest.raises(TilingEditError, match=message):
        edit()


def test_a_layout_that_no_longer_covers_the_lines_is_refused() -> None:
    # The stored chapters cover 30 lines but the transcript now has 25: tile() drops the
    # start past the end, and the edit is refused rather than silently reshaped.
    with pytest.raises(TilingEditError, match="do not cover the 25 lines"):
        split_at(SPANS, 0, 5, 25)
