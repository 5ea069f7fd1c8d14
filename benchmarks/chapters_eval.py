"""Chapter boundaries against a reference: `python -m benchmarks.chapters_eval PATH`.

PATH is a folder in the citymeetings.nyc dataset format: `transcript.json` (sentences with
speaker, start_time, end_time, text), `speakers.json` (label → name, role, organization)
and `testimonies.json` (testimony spans: start_time_in_seconds, end_time_in_seconds).
Testimony starts and ends are the reference boundaries; boundaries closer than the
tolerance are one transition, and only the stretch the testimonies cover is scored.

Prints, for the offline chapterer and for the LLM when one is configured (HEARINGS_LLM__*),
boundary precision, recall and F1 within ±30 s, Pk, and LLM tokens and cost per hearing
hour. Without an LLM, the LLM path is run with a stand-in that answers with the offline
chapters, which measures the exact prompts the LLM path would send (an estimate: real
replies differ in length). The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import bisect
import json
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openai.lib import type_to_response_format_param

from benchmarks.citymeetings import load_sentences
from pipeline.chapters.llm_chapterer import ChapterPrompts, chapter_with_llm
from pipeline.chapters.offline import chapter_offline
from pipeline.chapters.options import ChapteringOptions
from pipeline.chapters.render import SpeakerDirectory, condensed_entries, transcript_text
from pipeline.chapters.tokens import token_counter
from pipeline.config import get_settings
from pipeline.llm import LlmClient, LlmReply, price_usage
from pipeline.schemas import (
    Chapters,
    Line,
    SpeakerIdentities,
    SpeakerIdentity,
    TokenUsage,
)

TOLERANCE_SECONDS = 30.0
UNKNOWN = "UNKNOWN"


def known(value: str | None) -> str | None:
    return None if value in (None, "", UNKNOWN) else value


def load_hearing(folder: Path) -> tuple[list[Line], SpeakerIdentities, list[dict[str, Any]]]:
    lines, people = load_sentences(folder)
    speakers = SpeakerIdentities(
        speakers=[
            SpeakerIdentity(
                label=str(person["label"]),
                name=known(person.get("name")),
                display_name=known(person.get("name")) or f"Speaker {person['label']}",
                role=known(person.get("role")),
                organization=known(person.get("organization")),
            )
            for person in people
        ]
    )
    testimonies = json.loads((folder / "testimonies.json").read_text(encoding="utf-8"))
    return lines, speakers, testimonies


def reference_boundaries(testimonies: Sequence[dict[str, Any]]) -> list[float]:
    times = sorted(
        time
        for span in testimonies
        for time in (span["start_time_in_seconds"], span["end_time_in_seconds"])
    )
    merged: list[float] = []
    for moment in times:
        if not merged or moment - merged[-1] > TOLERANCE_SECONDS:
            merged.append(moment)
    return merged


def boundary_scores(predicted: Sequence[float], reference: Sequence[float]) -> dict[str, float]:
    """Precision, recall and F1 of a one-to-one matching within the tolerance."""
    pairs = sorted(
        (abs(p - r), i, j)
        for i, p in enumerate(predicted)
        for j, r in enumerate(reference)
        if abs(p - r) <= TOLERANCE_SECONDS
    )
    used_predicted, used_reference = set(), set()
    for _, i, j in pairs:
        if i not in used_predicted and j not in used_reference:
            used_predicted.add(i)
            used_reference.add(j)
    precision = len(used_predicted) / len(predicted) if predicted else 0.0
    recall = len(used_reference) / len(reference) if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def segment_ids(times: Sequence[float], boundaries: Sequence[float]) -> list[int]:
    return [sum(1 for boundary in boundaries if boundary <= moment) for moment in times]


def pk(reference: Sequence[int], hypothesis: Sequence[int]) -> float:
    """Beeferman's Pk: how often two lines k apart are wrongly together or apart."""
    segments = len(set(reference))
    k = max(1, round(len(reference) / segments / 2))
    probes = range(len(reference) - k)
    errors = sum(
        (reference[i] == reference[i + k]) != (hypothesis[i] == hypothesis[i + k]) for i in probes
    )
    return errors / max(1, len(probes))


def evaluate(chapters: Chapters, lines: Sequence[Line], reference: Sequence[float]) -> dict:
    low, high = reference[0] - TOLERANCE_SECONDS, reference[-1] + TOLERANCE_SECONDS
    starts = [lines[chapter.start_line].start for chapter in chapters.chapters[1:]]
    predicted = [moment for moment in starts if low <= moment <= high]
    scored_times = [line.start for line in lines if low <= line.start <= high]
    scores = boundary_scores(predicted, reference)
    scores["pk"] = pk(segment_ids(scored_times, reference), segment_ids(scored_times, starts))
    scores["chapters"] = len(chapters.chapters)
    return scores


def view_coverage(lines: Sequence[Line], reference: Sequence[float]) -> dict[str, float]:
    """How near each reference boundary the boundary pass shows a numbered entry start.

    An entry shows its line's number, speaker and first words, so a reference boundary near
    one is one the model can place; this is the boundary view's recall ceiling.
    """
    shown = sorted(lines[entry.first_line].start for entry in condensed_entries(lines))

    def distance(moment: float) -> float:
        at = bisect.bisect_left(shown, moment)
        return min(abs(shown[k] - moment) for k in (at - 1, at) if 0 <= k < len(shown))

    distances = [distance(moment) for moment in reference]
    return {
        "view_entries": len(shown),
        "reference_within_5s_of_entry": sum(d <= 5 for d in distances) / len(distances),
        "reference_within_30s_of_entry": sum(d <= 30 for d in distances) / len(distances),
    }


class EstimatingClient(LlmClient):
    """Counts the exact prompts of the LLM path; answers with the offline chapters."""

    def __init__(self, offline: Chapters) -> None:
        super().__init__(get_settings().llm, None)
        self.starts = {chapter.start_line: chapter.kind for chapter in offline.chapters}
        self.tokens_in_by_task: Counter[str] = Counter()
        self.schema_tokens = 0
        # The writing pass calls ask() from several threads; `+=` on shared counts is not atomic.
        self.lock = threading.Lock()

    def ask(self, task, prompt, variables, schema, *, max_output_tokens=1024):  # type: ignore[no-untyped-def]
        counter = token_counter()
        tokens_in = sum(counter.count(m["content"]) for m in prompt.render(variables))
        # Providers also bill the JSON schema sent in response_format; counted apart.
        schema_tokens = counter.count(json.dumps(type_to_response_format_param(schema)))
        with self.lock:
            self.tokens_in_by_task[task] += tokens_in
            self.schema_tokens += schema_tokens
        value = schema.model_validate(self.answer(task, variables, schema))
        tokens_out = counter.count(value.model_dump_json())
        model = self.settings.model_for(task)
        return LlmReply(
            value, price_usage(self.settings, model, tokens_in, tokens_out), model, False
        )

    def answer(self, task: str, variables: dict[str, Any], schema: type) -> dict[str, Any]:
        if task == "boundaries":
            first, last = variables["first_line"], variables["last_line"]
            found = [(s, k) for s, k in self.starts.items() if first <= s <= last]
            return {"chapters": [{"start_line": s, "kind": k.value} for s, k in found]}
        if task == "chapter":
            return {
                key: typical_text(field.annotation) for key, field in schema.model_fields.items()
            }
        return typical_text(schema)


def typical_text(schema: Any) -> dict[str, Any]:
    """A reply of typical length for `schema`: 8-word title, 3 sentences, 4 bullets."""
    sentence = " ".join(["word"] * 15)
    typical: dict[str, Any] = {"title": " ".join(["word"] * 8), "summary": f"{sentence}. " * 3}
    typical["bullets"] = [sentence] * 4
    for name in schema.model_fields:
        typical.setdefault(name, ["A Name"] if name.endswith("_by") else "A Name")
    return {name: typical[name] for name in schema.model_fields}


def run_llm(
    lines: Sequence[Line], speakers: SpeakerDirectory, offline: Chapters
) -> tuple[Chapters, TokenUsage, EstimatingClient | None]:
    """The LLM chapterer on a real endpoint when configured, else on the estimating stand-in."""
    settings = get_settings()
    estimator = None if settings.llm.configured else EstimatingClient(offline)
    client = estimator or LlmClient(settings.llm, settings.data_dir / "llm-cache")
    prompts = ChapterPrompts.load()
    options = ChapteringOptions().fit_to_context(settings.llm)
    chapters, usage = chapter_with_llm(lines, speakers, client, prompts, token_counter(), options)
    return chapters, usage, estimator


def llm_figures(
    usage: TokenUsage, estimator: EstimatingClient | None, hours: float, transcript_tokens: int
) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "estimated_with_offline_answers": estimator is not None,
        "model": get_settings().llm.model_for("chapter"),
        "calls": usage.calls,
        "tokens_in_per_hour": round(usage.tokens_in / hours),
        "tokens_out_per_hour": round(usage.tokens_out / hours),
        "cost_usd_per_hour": round(usage.cost_usd / hours, 4),
        "input_to_transcript_tokens": round(usage.tokens_in / transcript_tokens, 3),
    }
    if estimator is not None:
        by_task = estimator.tokens_in_by_task
        figures |= {
            f"{task}_to_transcript_tokens": round(n / transcript_tokens, 3)
            for task, n in by_task.items()
        }
        figures["schema_tokens_in_per_hour"] = round(estimator.schema_tokens / hours)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="folder with transcript/speakers/testimonies.json")
    folder = parser.parse_args().path
    lines, identities, testimonies = load_hearing(folder)
    speakers = SpeakerDirectory.from_identities(identities)
    reference = reference_boundaries(testimonies)
    hours = (lines[-1].end - lines[0].start) / 3600
    transcript_tokens = token_counter().count(transcript_text(lines))
    began = time.perf_counter()
    offline = chapter_offline(lines, speakers, ChapteringOptions())
    seconds = round(time.perf_counter() - began, 2)
    chapters, usage, estimator = run_llm(lines, speakers, offline)
    scored = {} if estimator else evaluate(chapters, lines, reference)
    report(
        {
            "hearing": folder.name,
            "hours": round(hours, 2),
            "reference_boundaries": len(reference),
            "token_counter": token_counter().name,
            "transcript_tokens": transcript_tokens,
            "offline": evaluate(offline, lines, reference) | {"seconds": seconds},
            "llm": scored
            | llm_figures(usage, estimator, hours, transcript_tokens)
            | view_coverage(lines, reference),
        }
    )


def report(figures: dict[str, Any]) -> None:
    for name in ("offline", "llm"):
        values = figures[name]
        shown = ", ".join(
            f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
            for key, value in values.items()
        )
        print(f"{name}: {shown}")
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
