"""The benchmark's scoring and perturbation (benchmarks/speakers_eval.py) on a tiny hearing."""

from __future__ import annotations

import importlib.util
from datetime import date

from pipeline.schemas import SpeakerIdentities, SpeakerIdentity
from tests.conftest import REPO_ROOT
from tests.pipeline.speakers.transcripts import statement, transcript

spec = importlib.util.spec_from_file_location(
    "speakers_eval", REPO_ROOT / "benchmarks" / "speakers_eval.py"
)
speakers_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(speakers_eval)


def identities(**names: str | None) -> SpeakerIdentities:
    return SpeakerIdentities(
        speakers=[
            SpeakerIdentity(label=label, name=name, display_name=name or label)
            for label, name in names.items()
        ]
    )


def test_scores_are_shares_of_judged_speaking_time() -> None:
    lines = transcript(
        *statement("A", 2), *statement("B", 1), *statement("C", 1), *statement("D", 1)
    )
    original = {line.index: line.speaker_label for line in lines.lines}
    reference = {
        "A": {"name": "Carin Bail", "role": "Member of the Public", "organization": "UNKNOWN"},
        "B": {"name": "Vickie Paladino", "role": "Council Member", "organization": "NYC Council"},
        "C": {"name": "Gail Benjamin", "role": "Commissioner", "organization": "City Planning"},
        "D": {"name": "UNKNOWN", "role": "Secretary", "organization": "UNKNOWN"},
    }
    named = identities(A="Karen Bale", B="Vicky Paladino", C=None, D="Someone")
    figures = speakers_eval.score(lines.lines, original, named, reference)
    assert figures["all"]["misheard"] == 0.5  # A: the right person as the recognizer spelt her
    assert figures["all"]["correct"] == figures["all"]["abstained"] == 0.25
    assert figures["council"]["correct"] == 1.0 and figures["agency"]["abstained"] == 1.0
    assert figures["all"]["wrong"] == 0.0  # D's reference is unknown: not judged


def test_perturbation_splits_and_merges_labels_reproducibly() -> None:
    lines = transcript(*(turn for n in range(40) for turn in statement(f"L{n % 20}", 1)))
    first, original = speakers_eval.perturb(list(lines.lines), seed=3)
    again, _ = speakers_eval.perturb(list(lines.lines), seed=3)
    assert first == again and original == {x.index: x.speaker_label for x in lines.lines}
    labels = {line.speaker_label for line in first}
    assert any(label.endswith("-split") for label in labels)
    assert len(labels - {line.speaker_label for line in lines.lines}) >= 1


def test_bundled_roster_for_a_date_and_body() -> None:
    roster = speakers_eval.bundled_roster(date(2024, 7, 10), "City Council")
    names = {member.name for member in roster.members}
    assert "Vickie Paladino" in names and len(roster.members) > 45
    assert roster.members[-1].title in ("Speaker", "Public Advocate")  # officers come last
