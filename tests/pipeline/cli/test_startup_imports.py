"""`hearings show` and `hearings status` start fast (issue 13): their path imports none of
the heavy libraries. Asserted on the import graph, not on a clock (benchmarks/cli.py times
them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

HEAVY = ("torch", "pyannote", "openai", "prefect", "faster_whisper", "ctranslate2", "av",
         "yt_dlp", "lightning", "numpy", "alembic", "httpx", "jinja2")  # fmt: skip
# What a re-ingest that finds every stage fresh must not pay for: the LLM client, the site
# downloader, the diarizer.
NOT_ON_THE_FLOW_PATH = ("torch", "pyannote", "openai", "yt_dlp", "lightning")
FLOW_PROBE = """
import json, sys
import flows.process_hearing
from pipeline.stages import DECLARATIONS, declared
for key in DECLARATIONS:
    declared(key)
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""
PROBE = """
import json, sys
from typer.testing import CliRunner
from pipeline.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
loaded = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(HEAVY)))
print(json.dumps({"exit": result.exit_code, "heavy": loaded, "output": result.output}))
"""


def imports_of(arguments: list[str], data_dir: Path) -> dict[str, object]:
    environment = os.environ | {"HEARINGS_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO_ROOT)}
    code = f"HEAVY = {json.dumps(json.dumps(HEAVY))}\n{PROBE}"
    completed = subprocess.run(
        [sys.executable, "-c", code, *arguments], env=environment, capture_output=True,
        text=True, check=True, timeout=300,
    )  # fmt: skip
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_show_and_status_import_no_model_llm_or_prefect_library(isolated_settings: Path) -> None:
    assert imports_of(["db", "upgrade"], isolated_settings)["exit"] == 0
    for command in (["status"], ["show", "no-such-hearing"], ["--help"]):
        probe = imports_of(command, isolated_settings)
        assert probe["heavy"] == [], (command, probe)
    assert "no hearing 'no-such-hearing'" in str(
        imports_of(["show", "no-such-hearing"], isolated_settings)["output"]
    )


def test_the_flow_and_every_stage_declaration_import_no_llm_downloader_or_diarizer() -> None:
    environment = os.environ | {"PYTHONPATH": str(REPO_ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", FLOW_PROBE], env=environment, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip
    loaded = set(json.loads(completed.stdout.strip().splitlines()[-1]))
    assert "prefect" in loaded and "faster_whisper" in loaded  # the probe did import the line
    assert loaded.isdisjoint(NOT_ON_THE_FLOW_PATH), loaded & set(NOT_ON_THE_FLOW_PATH)
