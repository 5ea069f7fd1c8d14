"""Our code, not the model, decides the final chapter slices.

Proposed chapter starts (from a model or the offline segmenter) become spans that tile
the hearing: sorted, non-overlapping, from line 0 to the last line, none empty. Spans
longer than a maximum are split again at their strongest topic shift; spans shorter
than a minimum are folded into a neighbour, unless they are procedure or a vote, which
are short by nature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from pipeline.schemas import ChapterKind, Line

PROCEDURAL_KINDS = frozenset({ChapterKind.PROCEDURE, ChapterKind.VOTE})


@dataclass(frozen=True)
class Proposal:
    start_line: int
    kind: ChapterKind


@dataclass(frozen=True)
class Span:
    """Lines [start_line, stop_line) of one chapter."""

    start_line: int
    stop_line: int
    kind: ChapterKind

    def seconds(self, lines: Sequence[Line]) -> float:
        return span_seconds(lines, self.start_line, self.stop_line)


def span_seconds(lines: Sequence[Line], start_line: int, stop_line: int) -> float:
    """How long lines [start_line, stop_line) take: a chapter's or a span's length."""
    return lines[stop_line - 1].end - lines[start_line].start


SplitChooser = Callable[[Sequence[Line], int, int], int]


def tile(proposals: Iterable[Proposal], line_count: int) -> list[Span]:
    """Spans from chapter starts: out-of-range starts dropped, the first kind of a start kept."""
    if line_count == 0:
        return []
    kinds: dict[int, ChapterKind] = {}
    for proposal in proposals:
        if 0 <= proposal.start_line < line_count:
            kinds.setdefault(proposal.start_line, proposal.kind)
    starts = sorted(kinds)
    if not starts:
        return [Span(0, line_count, ChapterKind.OTHER)]
    if starts[0] != 0:
        # Lines before the first proposed start belong to the first chapter.
        kinds[0] = kinds.pop(starts[0])
        starts[0] = 0
    stops = [*starts[1:], line_count]
    return [Span(start, stop, kinds[start]) for start, stop in zip(starts, stops, strict=True)]


def split_long(
    spans: Sequence[Span], lines: Sequence[Line], max_seconds: float, choose_split: SplitChooser
) -> list[Span]:
    """Split every span longer than `max_seconds` until none is (or it is one line)."""
    result: list[Span] = []
    pending = list(reversed(spans))
    while pending:
        span = pending.pop()
        if span.seconds(lines) <= max_seconds or span.stop_line - span.start_line < 2:
            result.append(span)
            continue
        cut = choose_split(lines, span.start_line, span.stop_line)
        if not span.start_line < cut < span.stop_line:
            raise ValueError(f"split point {cut} is outside [{span.start_line}, {span.stop_line})")
        pending.append(replace(span, start_line=cut))
        pending.append(replace(span, stop_line=cut))
    return result


def merge_tiny(spans: Sequence[Span], lines: Sequence[Line], min_seconds: float) -> list[Span]:
    """Fold spans shorter than `min_seconds` into a neighbour, the previous one by preference.

    Procedural spans are neither folded nor, when another neighbour exists, folded into.
    """
    merged = list(spans)
    position = 0
    while position < len(merged) and len(merged) > 1:
        span = merged[position]
        if span.kind in PROCEDURAL_KINDS or span.seconds(lines) >= min_seconds:
            position += 1
            continue
        previous = merged[position - 1] if position > 0 else None
        following = merged[position + 1] if position + 1 < len(merged) else None
        if previous and (previous.kind not in PROCEDURAL_KINDS or following is None):
            merged[position - 1 : position + 1] = [replace(previous, stop_line=span.stop_line)]
            position -= 1
        elif following:
            merged[position : position + 2] = [replace(following, start_line=span.start_line)]
    return merged


def enforce_invariants(
    proposals: Iterable[Proposal],
    lines: Sequence[Line],
    *,
    max_seconds: float,
    min_seconds: float,
    choose_split: SplitChooser,
) -> list[Span]:
    spans = tile(proposals, len(lines))
    spans = merge_tiny(spans, lines, min_seconds)
    return split_long(spans, lines, max_seconds, choose_split)
