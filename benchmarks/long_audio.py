"""Peak memory of a long hearing's audio path, without models: decode and feed in pieces.

    .venv/bin/python -m benchmarks.long_audio --hours 6 15

For each length a synthetic hearing (8 kHz WAV: half-second tones between pauses) is
written, then, each in a fresh process, (1) the audio stage decodes it to `audio.wav`
(16 kHz mono) and (2) the pieces the recognizer and the diarizer are fed
(`pipeline.audio.read_chunks`) are read end to end; with `--whole` also (3) the old way, the
whole `audio.wav` as float32 (`load_audio`). Peak RSS of each process in MB; one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
RATE = 8_000
STEPS = {
    "decode": "from pipeline.audio import extract_audio; extract_audio(Path(a), Path(b))",
    "feed pieces": "from pipeline.audio import read_chunks\nfor c in read_chunks(Path(b)): pass",
    "whole file (old)": "from pipeline.audio import load_audio; load_audio(Path(b))",
}


def write_hearing(path: Path, hours: float) -> None:
    """Tone bursts and pauses, written a minute at a time."""
    minute = np.arange(60 * RATE) / RATE
    tone = np.where(minute % 1.0 < 0.5, 0.3 * np.sin(2 * np.pi * 220 * minute), 0.0)
    samples = (tone * 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        for _ in range(int(hours * 60)):
            writer.writeframes(samples)


def peak_mb(code: str, media: Path, audio: Path) -> tuple[float, float]:
    """Peak RSS (MB) and seconds of one step in a process of its own."""
    script = f"import sys\nfrom pathlib import Path\na, b = sys.argv[1:3]\n{code}\n"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", script, str(media), str(audio)], check=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(peak, before) / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, nargs="+", default=[6.0, 15.0])
    parser.add_argument("--whole", action="store_true", help="also measure the old way")
    args = parser.parse_args()
    steps = {name: code for name, code in STEPS.items() if args.whole or "old" not in name}
    results: dict[str, dict[str, float]] = {}
    for hours in args.hours:
        with tempfile.TemporaryDirectory(prefix="hearings-long-") as folder:
            media, audio = Path(folder) / "hearing.wav", Path(folder) / "audio.wav"
            write_hearing(media, hours)
            for name, code in steps.items():
                # ru_maxrss of children is the largest so far: measure each in a new parent.
                results[f"{hours:g}h {name}"] = dict(
                    zip(("peak_mb", "seconds"), _isolated(code, media, audio), strict=True)
                )
    table = Table(title="long hearings without models: peak RSS per step (fresh process each)")
    for column in ("hearing · step", "peak RSS MB", "seconds"):
        table.add_column(column)
    for name, figures in results.items():
        table.add_row(name, f"{figures['peak_mb']:.0f}", f"{figures['seconds']:.1f}")
    Console().print(table)
    print(json.dumps({name: figures["peak_mb"] for name, figures in results.items()}))


def _isolated(code: str, media: Path, audio: Path) -> tuple[float, float]:
    """Run `peak_mb` in a fresh interpreter, so an earlier step's peak does not carry over."""
    probe = (
        "import sys; from pathlib import Path; from benchmarks.long_audio import peak_mb; "
        "print(*peak_mb(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe, code, str(media), str(audio)], check=True,
        capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(REPO)},
    )  # fmt: skip
    peak, seconds = completed.stdout.split()
    return float(peak), float(seconds)


if __name__ == "__main__":
    main()
