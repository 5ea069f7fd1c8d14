"""The LLM second pass: a name for each label the rules left open, or an abstention.

The model sees the roster with titles, the agenda, and per label its first sentences and
the sentences around its turns (numbered), a few labels per call so a long hearing is asked
in chunks whose answers are merged. It must answer with a roster person or a name said in
those sentences, a confidence and the line numbers that show it; `identify_speakers` then
checks each answer (pipeline.speakers.guard) and drops those under the threshold. A reply
that stays off the schema after the client's one re-ask leaves that chunk's labels unnamed.
Replies are cached by the client, and tokens and cost are summed in `usage`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from pipeline.chapters.prompts import Prompt, load_prompt
from pipeline.config import Settings
from pipeline.llm import LlmInvalidOutput, LlmRefusal, LlmTruncated
from pipeline.roster import RosterMember
from pipeline.schemas import TokenUsage
from pipeline.speakers.identify import Proposal
from pipeline.speakers.turns import Transcript

if TYPE_CHECKING:
    from pipeline.llm import LlmClient

log = logging.getLogger(__name__)
TASK = "speakers"
PROMPT_NAME = "speakers"
CACHE_FOLDER = "llm-cache"
FIRST_LINES = 3
TURNS_SHOWN = 4
AGENDA_ITEMS = 15
OUTPUT_TOKENS_PER_LABEL = 120


class LabelAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    name: str | None = Field(description="null when the lines do not say who this is")
    roster_person_id: int | None = Field(description="the roster id when the person is on it")
    role: str | None
    organization: str | None
    confidence: float = Field(ge=0, le=1)
    evidence_lines: list[int] = Field(description="line numbers that say who this is")


class SpeakerAnswers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    speakers: list[LabelAnswer]


def numbered(transcript: Transcript, index: int) -> str:
    line = transcript.lines[index]
    return f"[{index}] {line.speaker_label}: {line.text}"


def label_context(transcript: Transcript, label: str) -> str:
    """A label's first sentences and the sentences just before and after a few of its turns."""
    shown: list[int] = []
    turns = [turn for turn in transcript.turns if turn.label == label]
    for index in range(turns[0].start, min(turns[0].stop, turns[0].start + FIRST_LINES)):
        shown.append(index)
    for turn in turns[:TURNS_SHOWN]:
        shown.extend(
            i
            for i in (turn.start - 1, turn.start, turn.stop - 1, turn.stop)
            if 0 <= i < len(transcript.lines)
        )
    return "\n".join(numbered(transcript, index) for index in sorted(set(shown)))


def roster_text(roster: Sequence[RosterMember]) -> str:
    return "\n".join(f"{m.person_id}: {m.name} ({m.title}, {m.body})" for m in roster)


class LlmNamer:
    """Asks the model about open labels, chunk by chunk, and keeps the tokens it spent."""

    def __init__(self, client: LlmClient, prompt: Prompt, labels_per_call: int = 10) -> None:
        self.client = client
        self.prompt = prompt
        self.labels_per_call = labels_per_call
        self.usage = TokenUsage()
        self._lock = threading.Lock()

    def propose(
        self,
        transcript: Transcript,
        labels: Sequence[str],
        roster: Sequence[RosterMember],
        agenda: Sequence[str],
    ) -> list[Proposal]:
        chunks = [
            labels[i : i + self.labels_per_call]
            for i in range(0, len(labels), self.labels_per_call)
        ]
        common = {"roster": roster_text(roster) or "(none)", "agenda": list(agenda)[:AGENDA_ITEMS]}
        with ThreadPoolExecutor(max_workers=self.client.concurrency) as pool:
            answers = pool.map(lambda chunk: self._ask(transcript, chunk, common), chunks)
            return [proposal for chunk_answers in answers for proposal in chunk_answers]

    def _ask(
        self, transcript: Transcript, labels: Sequence[str], common: dict[str, Any]
    ) -> list[Proposal]:
        variables = {
            **common,
            "speakers": [
                {"label": label, "lines": label_context(transcript, label)} for label in labels
            ],
        }
        try:
            reply = self.client.ask(
                TASK,
                self.prompt,
                variables,
                SpeakerAnswers,
                max_output_tokens=OUTPUT_TOKENS_PER_LABEL * len(labels) + 200,
            )
        except (LlmInvalidOutput, LlmRefusal, LlmTruncated) as error:
            log.warning("speaker naming: %s; %d labels stay unnamed", error, len(labels))
            self._spend(error.usage)
            return []
        self._spend(reply.usage)
        return [
            Proposal(
                answer.label,
                answer.name,
                answer.roster_person_id,
                answer.role,
                answer.organization,
                answer.confidence,
                answer.evidence_lines,
            )
            for answer in reply.value.speakers
        ]

    def _spend(self, usage: TokenUsage) -> None:
        with self._lock:
            self.usage = self.usage + usage


def llm_namer(settings: Settings, labels_per_call: int = 10) -> LlmNamer | None:
    """The second pass when an LLM is configured, else None (rules only)."""
    if not settings.llm.configured:
        return None
    from pipeline.llm import LlmClient  # openai: only when the LLM names speakers

    client = LlmClient(settings.llm, settings.data_dir / CACHE_FOLDER)
    return LlmNamer(client, load_prompt(PROMPT_NAME), labels_per_call)
