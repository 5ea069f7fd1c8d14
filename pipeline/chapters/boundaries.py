"""Step a: the model proposes chapter starts, one token-budget window at a time.

Windows overlap; each proposal is kept from the window that owns its line (the owner
boundary is the middle of the overlap), so a chapter that crosses a window edge is seen
whole by at least one window. The chapters found so far travel into the next window as
context, so the model can say the open chapter simply goes on. A window whose reply was cut
at its limit, or which the server found too long for its context, is asked again as two
halves (each owning half of the window's lines), and so on down to an eighth.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from pipeline.chapters.prompts import Prompt
from pipeline.chapters.render import (
    Entry,
    SpeakerDirectory,
    condensed_entries,
    shorten,
    speaker_handles,
    window_legend,
    window_text,
)
from pipeline.chapters.tiling import Proposal
from pipeline.chapters.tokens import TokenCounter
from pipeline.llm import SHRINKABLE_ERRORS
from pipeline.schemas import ChapterKind, Line, TokenUsage

if TYPE_CHECKING:
    from pipeline.llm import LlmClient

log = logging.getLogger(__name__)

CONTEXT_CHAPTERS = 3
# A window is halved at most this often (to an eighth): a model that never stops talking
# must not cost hundreds of calls.
MAX_SPLITS = 3
# An entry's share of the window's legend (its line number and handle are counted).
LEGEND_SHARE_TOKENS = 1
KIND_GUIDE = {
    ChapterKind.OPENING_REMARKS: "the chair opens the hearing and frames its subject",
    ChapterKind.REMARKS: "a statement by a member or official that is not testimony",
    ChapterKind.PROCEDURE: "roll call, housekeeping, calling the next panel, recess",
    ChapterKind.AGENCY_TESTIMONY: "a city agency's prepared testimony",
    ChapterKind.PUBLIC_TESTIMONY: "a member of the public or an organization testifies",
    ChapterKind.QA: "members question a witness and the witness answers",
    ChapterKind.VOTE: "a vote is called and recorded",
    ChapterKind.OTHER: "anything else",
}


class ChapterStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_line: int = Field(description="number of the line where the chapter begins")
    kind: ChapterKind


class ChapterStarts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chapters: list[ChapterStart]


@dataclass(frozen=True)
class Window:
    """Entries shown in one call; proposals in [owned_from, owned_to) are kept from it."""

    entries: Sequence[Entry]
    owned_from: int
    owned_to: int
    splits: int = 0  # how many times a larger window was halved to make this one

    @property
    def first_line(self) -> int:
        return self.entries[0].first_line

    @property
    def last_line(self) -> int:
        return self.entries[-1].stop_line - 1

    def halves(self) -> tuple[Window, Window]:
        """Two windows of half the entries each; the owned range splits where they meet."""
        middle = len(self.entries) // 2
        split = min(max(self.entries[middle].first_line, self.owned_from), self.owned_to)
        return (
            Window(self.entries[:middle], self.owned_from, split, self.splits + 1),
            Window(self.entries[middle:], split, self.owned_to, self.splits + 1),
        )


def make_windows(
    entries: Sequence[Entry], counter: TokenCounter, budget: int, overlap: int
) -> list[Window]:
    """Consecutive runs of entries within `budget` tokens, sharing about `overlap` tokens."""
    costs = [
        counter.count(f"[{entry.first_line}] S00: {entry.opening}") + LEGEND_SHARE_TOKENS
        for entry in entries
    ]
    spans: list[tuple[int, int]] = []
    first = 0
    while first < len(entries):
        stop, used = first, 0
        while stop < len(entries) and (stop == first or used + costs[stop] <= budget):
            used, stop = used + costs[stop], stop + 1
        spans.append((first, stop))
        if stop == len(entries):
            break
        back, shared = stop, 0
        while back - 1 > first + 1 and shared + costs[back - 1] <= overlap:
            back, shared = back - 1, shared + costs[back - 1]
        first = back
    owners = [0]
    for (_, previous_stop), (next_first, _) in pairwise(spans):
        middle = (entries[next_first].first_line + entries[previous_stop - 1].stop_line) // 2
        owners.append(middle)
    owners.append(entries[-1].stop_line if entries else 0)
    return [
        Window(entries[first:stop], owners[position], owners[position + 1])
        for position, (first, stop) in enumerate(spans)
    ]


def context_of(
    found: Sequence[Proposal], lines: Sequence[Line], speakers: SpeakerDirectory
) -> list[dict[str, object]]:
    return [
        {
            "start_line": proposal.start_line,
            "kind": proposal.kind.value,
            "opening": shorten(
                f"{speakers.name(lines[proposal.start_line].speaker_label)}: "
                f"{lines[proposal.start_line].text}",
                20,
            ),
        }
        for proposal in found[-CONTEXT_CHAPTERS:]
    ]


def propose_starts(
    lines: Sequence[Line],
    speakers: SpeakerDirectory,
    client: LlmClient,
    prompt: Prompt,
    counter: TokenCounter,
    *,
    window_tokens: int,
    overlap_tokens: int,
    reply_tokens: int,
) -> tuple[list[Proposal], TokenUsage]:
    """Chapter starts for the whole hearing, window by window, and the tokens spent."""
    pending = make_windows(condensed_entries(lines), counter, window_tokens, overlap_tokens)
    handles = speaker_handles(lines)
    found: list[Proposal] = []
    usage = TokenUsage()
    kinds = [{"value": kind.value, "meaning": meaning} for kind, meaning in KIND_GUIDE.items()]
    while pending:
        window = pending.pop(0)
        variables = {
            "kinds": kinds,
            "first_line": window.first_line,
            "last_line": window.last_line,
            "previous_chapters": context_of(found, lines, speakers),
            "speakers": window_legend(window.entries, speakers, handles),
            "transcript": window_text(window.entries, handles),
        }
        try:
            reply = client.ask(
                "boundaries", prompt, variables, ChapterStarts, max_output_tokens=reply_tokens
            )
        except SHRINKABLE_ERRORS as error:
            if len(window.entries) < 2 or window.splits >= MAX_SPLITS:
                raise
            log.warning(
                "%s; asking again for lines %d–%d in two halves",
                error,
                window.first_line,
                window.last_line,
            )
            pending[:0] = window.halves()
            continue
        usage += reply.usage
        found.extend(
            Proposal(start.start_line, start.kind)
            for start in sorted(reply.value.chapters, key=lambda start: start.start_line)
            if window.owned_from <= start.start_line < window.owned_to
        )
    return found, usage
