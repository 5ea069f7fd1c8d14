"""A person's changes to chapter boundaries, kept to the same tiling rule as the pipeline's.

An edit is expressed as the new list of chapter starts; `tiling.tile` turns starts into
spans exactly as it does for proposals from the model or the offline segmenter. An edit is
accepted only when `tile` keeps every requested start, i.e. when the result still tiles
the lines with no chapter empty; otherwise it is refused with a message saying why.
Length rules (merging short chapters, splitting long ones) are the machine's defaults and
do not apply: an editor may want a short vote or a long testimony.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.chapters.tiling import Proposal, Span, tile
from pipeline.errors import HearingsError
from pipeline.schemas import ChapterKind


class TilingEditError(HearingsError, ValueError):
    """The requested edit would leave chapters that do not tile the hearing's lines."""


def retile(spans: Sequence[Span], starts: list[int], line_count: int) -> list[Span]:
    """Spans for `starts`, each new span keeping the kind of the old span it begins in."""
    if not spans or spans[-1].stop_line != line_count:
        raise TilingEditError(
            f"the chapters do not cover the {line_count} lines of the transcript: "
            "re-run the chapter stage"
        )
    kinds = [_kind_at(spans, start) for start in starts]
    tiled = tile((Proposal(s, k) for s, k in zip(starts, kinds, strict=True)), line_count)
    if [span.start_line for span in tiled] != starts:
        raise TilingEditError(
            "that edit would leave an empty or overlapping chapter; chapters must cover every "
            f"line from 0 to {line_count - 1} in order"
        )
    return tiled


def _kind_at(spans: Sequence[Span], line: int) -> ChapterKind:
    for span in spans:
        if span.start_line <= line < span.stop_line:
            return span.kind
    return spans[-1].kind


def _check_position(spans: Sequence[Span], position: int) -> None:
    if not 0 <= position < len(spans):
        raise TilingEditError(f"there is no chapter {position + 1}")


def move_start(spans: Sequence[Span], position: int, line: int, line_count: int) -> list[Span]:
    """Move the boundary before chapter `position` to `line` (the previous chapter adapts)."""
    _check_position(spans, position)
    if position == 0:
        raise TilingEditError("the first chapter always starts at line 0")
    low, high = spans[position - 1].start_line + 1, spans[position].stop_line - 1
    if not low <= line <= high:
        raise TilingEditError(
            f"chapter {position + 1} can start between lines {low} and {high}, not at {line}"
        )
    starts = [span.start_line for span in spans]
    starts[position] = line
    return retile(spans, starts, line_count)


def split_at(spans: Sequence[Span], position: int, line: int, line_count: int) -> list[Span]:
    """Split chapter `position` so that a new chapter starts at `line`."""
    _check_position(spans, position)
    span = spans[position]
    if not span.start_line < line < span.stop_line:
        raise TilingEditError(
            f"a split of chapter {position + 1} must fall between lines {span.start_line + 1} "
            f"and {span.stop_line - 1}, not at {line}"
        )
    starts = sorted({*(s.start_line for s in spans), line})
    return retile(spans, starts, line_count)


def merge_with_next(spans: Sequence[Span], position: int, line_count: int) -> list[Span]:
    """Chapter `position` absorbs the one after it."""
    _check_position(spans, position)
    if position == len(spans) - 1:
        raise TilingEditError("the last chapter has no next chapter to merge with")
    starts = [span.start_line for index, span in enumerate(spans) if index != position + 1]
    return retile(spans, starts, line_count)
