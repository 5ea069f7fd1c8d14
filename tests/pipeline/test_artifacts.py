"""Artifacts are written atomically, carry their fingerprint, and let fresh stages be skipped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline.artifacts import ArtifactError, ArtifactStore, fingerprint
from pipeline.config import Settings
from pipeline.schemas import Diarization, Lines, SpeakerTurn
from pipeline.stages import HearingContext, Stage, StageDeclaration, run_stage

TURNS = Diarization(turns=[SpeakerTurn(speaker_label="SPEAKER_00", start=0.0, end=4.5)])


def toy_stage(compute: object) -> StageDeclaration[Diarization]:
    """A stage writing `diarization.json`, fingerprinted by its caller's `key` option."""
    return StageDeclaration(
        name=Stage.DIARIZE, version="1", inputs=(), output="diarization",
        contract=Diarization, compute=lambda _call: compute(), summary=lambda _turns: "",
        options=lambda call: call.params["key"],
    )  # fmt: skip


def test_write_then_read_with_header(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    path = store.write("h1", "diarization", TURNS, stage_version="1", input_fingerprint="abc")
    assert path == tmp_path / "h1" / "diarization.json"
    assert store.read("h1", "diarization", Diarization) == TURNS
    header = store.header("h1", "diarization")
    assert header is not None and (header.stage, header.stage_version) == ("diarization", "1")
    assert store.is_fresh("h1", "diarization", "abc")
    assert not store.is_fresh("h1", "diarization", "other")
    assert not store.is_fresh("h1", "lines", "abc")


def test_fingerprint_is_stable_and_sensitive() -> None:
    assert fingerprint("large-v3", {"b": 1, "a": 2}, TURNS) == fingerprint(
        "large-v3", {"a": 2, "b": 1}, TURNS
    )
    assert fingerprint("large-v3", TURNS) != fingerprint("large-v3-turbo", TURNS)


def test_run_stage_skips_fresh_and_recomputes_stale(tmp_path: Path) -> None:
    context = HearingContext(ArtifactStore(tmp_path), "h1", Settings())
    calls: list[int] = []

    def compute() -> Diarization:
        calls.append(1)
        return TURNS

    def run(fp: str, force: bool = False) -> bool:
        return run_stage(toy_stage(compute), context, params={"key": fp}, force=force).skipped

    assert [run("a"), run("a"), run("b"), run("b", force=True)] == [False, True, False, False]
    assert len(calls) == 3


def test_corrupt_artifact_is_reported_and_recomputed(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    store.write("h1", "diarization", TURNS, stage_version="1", input_fingerprint="a")
    path = store.path("h1", "diarization")
    document = json.loads(path.read_text())
    document["data"] = {"turns": [{"speaker_label": "X", "start": -1, "end": 1}]}
    path.write_text(json.dumps(document))
    with pytest.raises(ArtifactError, match="breaks its contract"):
        store.read("h1", "diarization", Diarization)
    context = HearingContext(store, "h1", Settings())
    declaration = toy_stage(lambda: TURNS)
    key = run_stage(declaration, context, params={"key": "a"}).fingerprint
    document["header"]["fingerprint"] = key  # corrupt, under the current fingerprint
    path.write_text(json.dumps(document))
    assert store.is_fresh("h1", "diarization", key)
    outcome = run_stage(declaration, context, params={"key": "a"})
    assert not outcome.skipped and store.read("h1", "diarization", Diarization) == TURNS
    path.write_text('{"header": {"stage": "diariz')
    with pytest.raises(ArtifactError, match="not valid JSON"):
        store.read("h1", "diarization", Diarization)
    assert store.header("h1", "diarization") is None


def test_missing_artifact_names_the_stage(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="run the stage that writes 'lines' first"):
        ArtifactStore(tmp_path).read("h1", "lines", Lines)


@pytest.mark.parametrize("slug", ["../etc", "Upper", "", "a/b", "-x"])
def test_unsafe_slugs_are_refused(tmp_path: Path, slug: str) -> None:
    with pytest.raises(ValueError, match="invalid hearing slug"):
        ArtifactStore(tmp_path).path(slug, "lines")


def test_failed_serialisation_leaves_previous_artifact(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path)
    store.write("h1", "diarization", TURNS, stage_version="1", input_fingerprint="old")
    broken = Diarization.model_construct(turns=[object()])
    with pytest.raises(Exception):  # noqa: B017 (any serialisation error will do)
        store.write("h1", "diarization", broken, stage_version="1", input_fingerprint="new")
    assert store.read("h1", "diarization", Diarization) == TURNS
    assert store.is_fresh("h1", "diarization", "old")
    assert [p.name for p in (tmp_path / "h1").iterdir()] == ["diarization.json"]


KILLED_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from pipeline.artifacts import ArtifactStore
    from pipeline.schemas import Diarization, SpeakerTurn

    marker = Path(sys.argv[2])
    def stall_before_rename(descriptor):
        # The new content is fully written to the temporary file: stop here until killed.
        marker.write_text("writing")
        time.sleep(60)
    os.fsync = stall_before_rename
    turns = [SpeakerTurn(speaker_label=f"S{i % 7}", start=i, end=i + 1) for i in range(200000)]
    ArtifactStore(Path(sys.argv[1])).write(
        "h1", "diarization", Diarization(turns=turns), stage_version="2", input_fingerprint="new"
    )
    """
)


def test_process_killed_mid_write_leaves_previous_artifact(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "store")
    store.write("h1", "diarization", TURNS, stage_version="1", input_fingerprint="old")
    marker = tmp_path / "marker"
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(store.root), str(marker)],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the writer never reached the write"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert store.read("h1", "diarization", Diarization) == TURNS
    assert store.is_fresh("h1", "diarization", "old")
