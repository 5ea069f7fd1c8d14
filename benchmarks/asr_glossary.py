"""Do the glossary and roster names help the recognizer? With and without them, as hotwords
or as an initial prompt, on real clips, on civic clips made with espeak-ng, and on long audio.

    .venv/bin/python -m benchmarks.asr_glossary [--model bundled-tiny.en] [--minutes 10]

For each way of giving the terms (none; hotwords: committee + glossary + other members, as
the budget allows; hotwords: the committee only; initial prompt: all) and each decoder
(batched, sequential) it prints WER on the clips with a reference text, the civic terms and
names said that come out right, the terms and names written that nobody said ("inserted",
the worst error when speakers are named from the transcript), and the words kept on long
audio made of the real clips in turn. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from datetime import date

from rich.console import Console
from rich.table import Table

from benchmarks.speech_clips import Clip, civic_clips, long_audio, normalized_words, real_clips
from benchmarks.speech_clips import word_errors as clip_word_errors
from models.db import make_engine, make_session_factory, transaction, upgrade
from pipeline.asr import transcribe
from pipeline.config import AsrSettings
from pipeline.glossary import packaged_terms
from pipeline.roster import Priority, Roster
from pipeline.sources.bundled_roster import load_bundled_roster
from pipeline.store.roster import roster_on, upsert_roster

COMMITTEE = "Committee on Technology"
HEARING_DATE = date(2024, 10, 10)
console = Console(width=200)


def hearing_roster() -> Roster:
    """Who could speak at a Technology committee hearing, from the bundled NYC roster."""
    engine = make_engine("sqlite://")
    upgrade(engine)
    bundled = load_bundled_roster()
    with transaction(make_session_factory(engine)) as session:
        upsert_roster(
            session, bundled.bodies, bundled.persons, bundled.office_records, bundled.places
        )
        return Roster(members=roster_on(session, HEARING_DATE, [COMMITTEE]))


def term_groups(roster: Roster) -> dict[str, tuple[str, list[list[str]]]]:
    committee = [m.name for m in roster.members if m.priority <= Priority.COMMITTEE_MEMBER]
    others = [m.name for m in roster.members if m.priority > Priority.COMMITTEE_MEMBER]
    everything = [committee, packaged_terms(), others]
    return {
        "none": ("off", []),
        "hotwords: all": ("hotwords", everything),
        "hotwords: committee": ("hotwords", [committee]),
        "prompt: all": ("prompt", everything),
    }


def term_keys(roster: Roster) -> set[str]:
    """Words that mark a term: glossary words and every member's last name."""
    keys = {word for term in packaged_terms() for word in normalized_words(term)}
    keys |= {normalized_words(m.name)[-1] for m in roster.members if normalized_words(m.name)}
    return keys - {"of", "the", "member", "council", "local", "law", "city"}


def count_terms(text: str, keys: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in normalized_words(text):
        if word in keys:
            counts[word] = counts.get(word, 0) + 1
    return counts


def text_of(clip_audio, settings: AsrSettings, groups, batched: bool) -> str:
    transcript = transcribe(clip_audio, settings, groups, batched=batched)
    return " ".join(segment.text for segment in transcript.segments)


def score(clips: list[Clip], texts: list[str], keys: set[str]) -> dict[str, float]:
    edits = words = said = right = inserted = 0
    for clip, text in zip(clips, texts, strict=True):
        heard = count_terms(text, keys)
        truth = count_terms(clip.reference or "", keys)
        inserted += sum(max(0, n - truth.get(term, 0)) for term, n in heard.items())
        said += sum(truth.values())
        right += sum(min(n, heard.get(term, 0)) for term, n in truth.items())
        if clip.reference:
            clip_edits, clip_words = clip_word_errors(clip.reference, text)
            edits, words = edits + clip_edits, words + clip_words
    return {
        "wer": round(edits / words, 4) if words else 0.0,
        "terms_said": said,
        "terms_right": right,
        "terms_inserted": inserted,
    }


def measure(settings: AsrSettings, groups, batched: bool, sets: dict, keys: set[str]) -> dict:
    """Scores of one way of giving the terms on the real and civic clips and long audio."""
    row: dict[str, object] = {}
    for label in ("real", "civic"):
        texts = [text_of(clip.audio, settings, groups, batched) for clip in sets[label]]
        row |= {f"{label}_{k}": v for k, v in score(sets[label], texts, keys).items()}
    long = sets["long"]
    long_text = text_of(long.audio, settings, groups, batched)
    edits, words = clip_word_errors(long.reference or "", long_text)
    row["long_words"] = len(normalized_words(long_text))
    row["long_wer"] = round(edits / words, 4) if words else 0.0
    return row


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="bundled-tiny.en")
    parser.add_argument("--minutes", type=float, default=10.0, help="long audio length")
    parser.add_argument("--modes", default="batched,sequential")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    logging.getLogger("pipeline.asr").setLevel(logging.ERROR)  # the cut list, once per clip
    roster = hearing_roster()
    keys = term_keys(roster)
    real = real_clips()
    sets = {"real": real, "civic": civic_clips()}
    sets["long"] = long_audio([clip for clip in real if clip.reference], args.minutes)
    console.print(f"long audio: {sets['long'].name}, {sets['long'].seconds / 60:.1f} min")
    results = []
    for mode in args.modes.split(","):
        for name, (vocabulary, groups) in term_groups(roster).items():
            settings = AsrSettings(model=args.model, device="cpu", vocabulary=vocabulary)
            started = time.perf_counter()
            row = {"mode": mode, "terms": name}
            row |= measure(settings, groups, mode == "batched", sets, keys)
            row["seconds"] = round(time.perf_counter() - started, 1)
            results.append(row)
            console.print(row)
    table = Table(title=f"glossary and roster names, {args.model}, {sets['long'].name}")
    for column in results[0]:
        table.add_column(column)
    for row in results:
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)
    print(json.dumps({"benchmark": "asr_glossary", "model": args.model, "results": results}))


if __name__ == "__main__":
    main()
