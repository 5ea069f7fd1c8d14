"""`hearings transcribe` without a diarizer, and what it imports when it stops early."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import get_settings
from tests.conftest import REPO_ROOT
from tests.support.media_fixtures import SCRIPT

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
IMPORTS_AFTER_TRANSCRIBE = """
import sys
from typer.testing import CliRunner
from pipeline.cli import app
result = CliRunner().invoke(app, ["transcribe", sys.argv[1], "--until", "transcribe"])
assert result.exit_code == 0, result.output
print(sorted(name for name in ("torch", "pyannote.audio") if name in sys.modules))
"""


def lines_of(slug: str) -> list[dict]:
    return json.loads(Path(f"data/hearings/{slug}/lines.json").read_text())["data"]["lines"]


def test_until_transcribe_loads_neither_torch_nor_pyannote(
    model_settings: object, speech_wav: Path
) -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS_AFTER_TRANSCRIBE, str(speech_wav)],
        capture_output=True, text=True, env=environment, timeout=300, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert len(list(Path("data/hearings").glob("*/transcript.json"))) == 1  # named by the source


def test_without_a_diarizer_the_words_stay_and_one_speaker_says_them(
    model_settings: object, speech_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARINGS_DIARIZATION__PIPELINE", "/no/such/pyannote")
    get_settings.cache_clear()

    result = CliRunner().invoke(app, ["transcribe", str(speech_wav), "--slug", "alone"])

    assert result.exit_code == 0, result.output
    assert "speakers from the captions' '>>' marks" in result.output
    lines = lines_of("alone")
    assert " ".join(line["text"] for line in lines) == SCRIPT
    assert {line["speaker_label"] for line in lines} == {"SPEAKER_00"}
