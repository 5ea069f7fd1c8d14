"""Start-up cost of the `hearings` commands: the median of 5 runs of each, in seconds.

    .venv/bin/python -m benchmarks.cli [--runs 5]

Everything runs in a temporary data folder and PREFECT_HOME on the bundled sample: one
first ingest (it starts the shared local Prefect server, reported apart), then `--help`,
`status`, `show` and a no-op re-ingest of the sample, each `--runs` times. The shared
server is stopped at the end. Prints a table, then one JSON line. Next to each wall time is
the CPU time of the command's own process, which a busy machine inflates least (the shared
server's work is not in it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "samples" / "landmarks-2024-10-01"
TARGETS = {"show": 1.0, "status": 1.0, "re-ingest (no-op)": 10.0}


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command's own process: what a busy machine inflates least


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hearings(arguments: list[str], environment: dict[str, str]) -> Timing:
    """Seconds one command takes, from process start to exit, and the CPU seconds it used."""
    started, cpu_before = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-c", "from pipeline.cli import app; app()", *arguments],
        env=environment, check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return Timing(time.perf_counter() - started, _children_cpu() - cpu_before)


def median_timing(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


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


def measure(runs: int) -> tuple[float, Timing, dict[str, Timing]]:
    """The machine's floor, the first ingest and the median of each command."""
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
                name: median_timing([hearings(arguments, environment) for _ in range(runs)])
                for name, arguments in commands.items()
            }
        finally:
            hearings(["server", "stop"], environment)
    return baseline, first_ingest, medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    baseline, first_ingest, medians = measure(runs)
    table = Table(title=f"hearings commands: median of {runs} runs (seconds)")
    for column in ("command", "wall", "CPU", "target (wall)"):
        table.add_column(column)
    table.add_row("python -c pass (this machine's floor)", f"{baseline:.2f}", "", "")
    table.add_row(
        "first ingest (starts the local server)",
        f"{first_ingest.wall:.2f}", f"{first_ingest.cpu:.2f}", "",
    )  # fmt: skip
    for name, timing in medians.items():
        target = TARGETS.get(name)
        mark = f"≤ {target:g}" if target else ""
        table.add_row(name, f"{timing.wall:.2f}", f"{timing.cpu:.2f}", mark)
    Console().print(table)
    figures = {f"{name}_s": round(timing.wall, 2) for name, timing in medians.items()}
    cpu = {f"{name}_cpu_s": round(timing.cpu, 2) for name, timing in medians.items()}
    floor = {"python_start_s": round(baseline, 2), "first_ingest_s": round(first_ingest.wall, 2)}
    print(json.dumps({"runs": runs, **floor, **figures, **cpu}))


if __name__ == "__main__":
    main()
