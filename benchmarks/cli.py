"""Start-up cost of the `hearings` commands: the median of 5 runs of each, in seconds.

    .venv/bin/python -m benchmarks.cli [--runs 5]

Everything runs in a temporary data folder and PREFECT_HOME on the bundled sample: one
first ingest (it starts the shared local Prefect server, reported apart), then `--help`,
`status`, `show` and a no-op re-ingest of the sample, each `--runs` times. The shared
server is stopped at the end. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "landmarks-2024-10-01"
TARGETS = {"show": 1.0, "status": 1.0, "re-ingest (no-op)": 10.0}


def hearings(arguments: list[str], environment: dict[str, str]) -> float:
    """Seconds one command takes, from process start to exit."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import app; app()", *arguments],
        env=environment, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - started


def _python_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def environment_in(folder: Path) -> dict[str, str]:
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HEARINGS_", "PREFECT_"))
    }
    return inherited | {
        "HEARINGS_DATA_DIR": str(folder / "data"),
        "PREFECT_HOME": str(folder / "prefect"),
        "PYTHONPATH": str(REPO),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="hearings-cli-bench-") as temporary:
        folder = Path(temporary)
        shutil.copytree(SAMPLE, folder / "sample")
        media = str(folder / "sample" / f"{SAMPLE.name}.mp4")
        environment = environment_in(folder)
        hearings(["db", "upgrade"], environment)
        ingest = ["ingest", media, "--chapterer", "offline"]
        first_ingest = hearings(ingest, environment)
        slug = next((folder / "data" / "hearings").iterdir()).name
        commands = {
            "--help": ["--help"],
            "status": ["status"],
            "show": ["show", slug, "--lines"],
            "re-ingest (no-op)": ingest,
        }
        try:
            baseline = statistics.median(_python_start() for _ in range(runs))
            medians = {
                name: statistics.median(hearings(arguments, environment) for _ in range(runs))
                for name, arguments in commands.items()
            }
        finally:
            hearings(["server", "stop"], environment)
    table = Table(title=f"hearings commands: median of {runs} runs (seconds)")
    for column in ("command", "seconds", "target"):
        table.add_column(column)
    table.add_row("python -c pass (this machine's floor)", f"{baseline:.2f}", "")
    table.add_row("first ingest (starts the local server)", f"{first_ingest:.2f}", "")
    for name, seconds in medians.items():
        target = TARGETS.get(name)
        table.add_row(name, f"{seconds:.2f}", f"≤ {target:g}" if target else "")
    Console().print(table)
    figures = {f"{name}_s": round(value, 2) for name, value in medians.items()}
    floor = {"python_start_s": round(baseline, 2), "first_ingest_s": round(first_ingest, 2)}
    print(json.dumps({"runs": runs, **floor, **figures}))


if __name__ == "__main__":
    main()
