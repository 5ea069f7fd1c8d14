"""Speaker naming against a reference: `benchmarks/speakers_eval.py PATH [--date D --body B]`.

PATH is a folder in the citymeetings.nyc dataset format: `transcript.json` (sentences with
speaker, start_time, end_time, text) and `speakers.json` (label → name, role, organization;
"UNKNOWN" allowed). The dataset's labels are the input and its names the reference. The
roster is the bundled one (data/rosters/nyc) on the date, for the body.

Every sentence is judged by its reference speaker (sentences whose reference name is
UNKNOWN are not judged) and weighted by its duration: correct when the name given to its
label is the same person (names alike at rapidfuzz ratio ≥ 80 after folding accents,
titles and middle initials: "Karen Bale" for "Carin Bail" is not, "Charlene Jackson Mendez"
for "Sharlene Jackson Mendez" is), misheard when the name is the right person's as the
recognizer spelt it (similarity 60–80: "Molly Metta" said for "Maulin Mehta"), wrong when
less alike (another person, or a name mangled past recognition), abstained when "Speaker N".
A strict figure counts only exact folded names as correct. Printed for all speakers and per
group (council members / agency / public), then again with the labels perturbed the way
diarization errs (10 % of labels split in two, 5 % of neighbouring pairs merged; seeded),
rules only and, when an LLM is configured (HEARINGS_LLM__*), rules + LLM. The last line is
one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.config import get_settings
from pipeline.roster import Roster, Seat, rank_roster
from pipeline.schemas import Line, SpeakerIdentities
from pipeline.sources.bundled_roster import load_bundled_roster
from pipeline.sources.roster_records import clean_person_name, membership_title
from pipeline.speakers import IdentifyOptions, identify_speakers
from pipeline.speakers.llm_pass import llm_namer
from pipeline.speakers.names import fold, name_similarity, name_tokens

UNKNOWN = "UNKNOWN"
SAME_PERSON, HEARD_ALIKE = 80.0, 60.0
SPLIT_SHARE, MERGE_SHARE, SEED = 0.10, 0.05, 10
AGENCY_WORDS = (
    "department",
    "commission",
    "borough president",
    "government",
    "mayor",
    "office of",
    "agency",
    "authority",
    "nycha",
    "city planning",
)


def load(folder: Path) -> tuple[list[Line], dict[str, dict[str, Any]]]:
    sentences = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    lines = [
        Line(
            index=index,
            speaker_label=str(item["speaker"]),
            start=item["start_time"],
            end=max(item["end_time"], item["start_time"]),
            text=item["text"],
        )
        for index, item in enumerate(sentences)
    ]
    people = json.loads((folder / "speakers.json").read_text(encoding="utf-8"))
    return lines, {str(person["label"]): person for person in people}


def bundled_roster(on: date, body: str) -> Roster:
    """The roster `hearings roster show --date --body` gives, from the bundled records alone."""
    bundled = load_bundled_roster()
    seats = [
        Seat(
            person_id=record.OfficeRecordPersonId,
            name=clean_person_name(record.OfficeRecordFullName),
            body=record.OfficeRecordBodyName.strip(),
            title=membership_title(record),
            member_type=record.OfficeRecordMemberType,
        )
        for record in bundled.office_records
        if (record.start is None or record.start <= on) and (record.end is None or record.end >= on)
    ]
    return Roster(members=rank_roster(seats, [body]))


def group_of(person: dict[str, Any]) -> str:
    role, organization = fold(person.get("role") or ""), fold(person.get("organization") or "")
    if "council member" in role or "city council" in organization:
        return "council"
    if any(word in f"{role} {organization}" for word in AGENCY_WORDS):
        return "agency"
    return "public"


def perturb(lines: list[Line], seed: int = SEED) -> tuple[list[Line], dict[int, str]]:
    """Labels split (10 % of labels, turn by turn at random) and merged (5 % of neighbouring
    pairs); returns the new lines and each line's original label."""
    rng = random.Random(seed)
    labels = sorted({line.speaker_label for line in lines})
    split = set(rng.sample(labels, round(SPLIT_SHARE * len(labels))))
    pairs = sorted(
        {
            (a.speaker_label, b.speaker_label)
            for a, b in itertools.pairwise(lines)
            if a.speaker_label != b.speaker_label
        }
    )
    merged_into: dict[str, str] = {}
    for first, second in rng.sample(pairs, round(MERGE_SHARE * len(pairs))):
        if {first, second} & (set(merged_into) | set(merged_into.values())):
            continue
        merged_into[second] = first
    relabelled, turn_side, previous = [], {}, None
    for line in lines:
        label = line.speaker_label
        if label != previous:
            turn_side[label] = rng.random() < 0.5
            previous = label
        new = f"{label}-split" if label in split and turn_side[label] else label
        new = merged_into.get(new, new)
        relabelled.append(line.model_copy(update={"speaker_label": new}))
    return relabelled, {line.index: line.speaker_label for line in lines}


def verdict(predicted: str | None, reference: str) -> tuple[str, bool]:
    """correct / misheard (the right person as the recognizer spelt them) / wrong / abstained,
    and whether the name is exactly the reference's."""
    if predicted is None:
        return "abstained", False
    similarity = name_similarity(predicted, reference)
    outcome = "correct" if similarity >= SAME_PERSON else "wrong"
    if HEARD_ALIKE <= similarity < SAME_PERSON:
        outcome = "misheard"
    return outcome, name_tokens(predicted) == name_tokens(reference)


def score(
    lines: Sequence[Line],
    original: dict[int, str],
    identities: SpeakerIdentities,
    reference: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    names = {identity.label: identity.name for identity in identities.speakers}
    totals: dict[str, dict[str, float]] = {}
    for line in lines:
        person = reference.get(original[line.index], {})
        if person.get("name") in (None, "", UNKNOWN):
            continue
        outcome, strict = verdict(names.get(line.speaker_label), person["name"])
        for group in ("all", group_of(person)):
            bucket = totals.setdefault(
                group,
                {
                    "seconds": 0.0,
                    "correct": 0.0,
                    "wrong": 0.0,
                    "misheard": 0.0,
                    "abstained": 0.0,
                    "strict_correct": 0.0,
                },
            )
            seconds = line.end - line.start
            bucket["seconds"] += seconds
            bucket[outcome] += seconds
            bucket["strict_correct"] += seconds if strict else 0.0
    return {
        group: {
            key: round(value / bucket["seconds"], 4) if key != "seconds" else round(value)
            for key, value in bucket.items()
        }
        for group, bucket in totals.items()
    }


def run_variant(
    name: str,
    lines: list[Line],
    original: dict[int, str],
    reference: dict[str, Any],
    roster: Roster,
    use_llm: bool,
) -> dict[str, Any]:
    namer = llm_namer(get_settings()) if use_llm else None
    started = time.monotonic()
    identities = identify_speakers(lines, roster, (), IdentifyOptions(), namer)
    figures = score(lines, original, identities, reference)
    figures["seconds_to_run"] = round(time.monotonic() - started, 2)
    figures["named_labels"] = sum(1 for s in identities.speakers if s.name)
    if namer is not None:
        figures["llm"] = namer.usage.model_dump()
    print(
        f"\n{name}: {figures['named_labels']} of {len(identities.speakers)} labels named "
        f"in {figures['seconds_to_run']} s"
    )
    for group in ("all", "council", "agency", "public"):
        if group in figures:
            g = figures[group]
            print(
                f"  {group:8} {g['seconds']:>6} s judged: correct {g['correct']:.1%} "
                f"(strict {g['strict_correct']:.1%}), misheard {g['misheard']:.1%}, "
                f"wrong {g['wrong']:.1%}, "
                f"abstained {g['abstained']:.1%}"
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2024, 7, 10))
    parser.add_argument("--body", default="City Council")
    parser.add_argument("--seed", type=int, default=SEED, help="for the perturbation")
    args = parser.parse_args()
    lines, reference = load(args.path)
    roster = bundled_roster(args.date, args.body)
    print(
        f"{args.path.name}: {len(lines)} lines, {len(reference)} labels, "
        f"roster of {len(roster.members)} on {args.date} ({args.body})"
    )
    perturbed, perturbed_original = perturb(lines, args.seed)
    original = {line.index: line.speaker_label for line in lines}
    results: dict[str, Any] = {}
    variants = [("rules", False)] + ([("rules+llm", True)] if get_settings().llm.configured else [])
    for variant, use_llm in variants:
        results[variant] = run_variant(variant, lines, original, reference, roster, use_llm)
        results[f"{variant} perturbed"] = run_variant(
            f"{variant}, perturbed labels",
            perturbed,
            perturbed_original,
            reference,
            roster,
            use_llm,
        )
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
