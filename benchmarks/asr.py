"""Real-time factor of transcribe + diarize for one audio file, model and device.

Run from the repository root (it builds test models with `tests.support`):

    # CPU, offline: tiny scripted models built on the fly, 2 minutes of the sample call
    .venv/bin/python -m benchmarks.asr tests/media/data/sample.wav --minutes 2

    # GPU: large-v3 / large-v3-turbo architectures with random weights emitting a fixed
    # number of tokens per 30 s window, batched vs sequential, full-size random pyannote
    .venv/bin/python -m benchmarks.asr tests/media/data/sample.wav --minutes 180 \\
        --random large-v3-turbo --tokens-per-window 100 --mode both --full-size-diarization

    # Real models (downloaded by name; pyannote needs HEARINGS_DIARIZATION__HF_TOKEN)
    .venv/bin/python -m benchmarks.asr hearing.mp4 --model large-v3-turbo \\
        --diarization pyannote/speaker-diarization-community-1

The first call of each model is a warm-up (loading, CUDA kernels) and is not timed.
Model times are wall-clock seconds; RTF = seconds / audio seconds (lower is faster).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from pipeline.asr import load_model, transcribe
from pipeline.audio import SAMPLE_RATE, extract_audio, load_audio
from pipeline.config import AsrSettings, DiarizationSettings, get_settings
from pipeline.devices import resolve_device
from pipeline.diarization import diarize, load_pipeline
from tests.support.tiny_pyannote import build_tiny_pyannote
from tests.support.tiny_whisper import LARGE_V3, LARGE_V3_TURBO, TINY, build_tiny_whisper

SHAPES = {"tiny": TINY, "large-v3": LARGE_V3, "large-v3-turbo": LARGE_V3_TURBO}
console = Console()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", type=Path, help="any media file PyAV decodes")
    parser.add_argument("--minutes", type=float, help="repeat the audio up to this length")
    parser.add_argument("--model", help="faster-whisper model name or folder (real weights)")
    parser.add_argument("--random", choices=sorted(SHAPES), default="tiny", help="architecture")
    parser.add_argument("--tokens-per-window", type=int, default=40, help="scripted output")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--compute-type", default="auto")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--mode", choices=["batched", "sequential", "both", "auto"], default="auto")
    parser.add_argument("--diarization", help="pyannote pipeline name or folder (real weights)")
    parser.add_argument("--full-size-diarization", action="store_true")
    parser.add_argument("--skip-diarization", action="store_true")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "asr-bench")
    return parser.parse_args()


def audio_of(path: Path, minutes: float | None, work: Path) -> np.ndarray:
    wav = work / "audio.wav"
    extract_audio(path, wav)
    audio = load_audio(wav)
    if minutes:
        repeats = int(np.ceil(minutes * 60 * SAMPLE_RATE / len(audio)))
        audio = np.tile(audio, repeats)[: int(minutes * 60 * SAMPLE_RATE)]
    return audio


def whisper_model(args: argparse.Namespace, work: Path) -> str:
    if args.model:
        return args.model
    # Distinct words, so the scripted chain emits exactly this many tokens per window.
    script = " ".join(f"word{index}" for index in range(args.tokens_per_window))
    folder = work / f"whisper-{args.random}-{args.tokens_per_window}"
    if not (folder / "model.bin").exists():
        build_tiny_whisper(folder, script, shape=SHAPES[args.random])
    return str(folder)


def timed(action: callable) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run_asr(args: argparse.Namespace, audio: np.ndarray, model: str) -> list[tuple[str, float]]:
    settings = AsrSettings(
        model=model, device=args.device, compute_type=args.compute_type, batch_size=args.batch_size
    )
    device = resolve_device(args.device)
    modes = {"both": [True, False], "batched": [True], "sequential": [False]}
    batched_modes = modes.get(args.mode, [device == "cuda"])
    load_model(settings.model, device, settings.compute_type)
    transcribe(audio[: 30 * SAMPLE_RATE], settings, [])  # warm-up
    rows = []
    for batched in batched_modes:
        seconds, transcript = timed(lambda b=batched: transcribe(audio, settings, [], batched=b))
        words = sum(len(segment.words) for segment in transcript.segments)
        # The scripted model says the same text in every window; the loop guard keeps one.
        label = f"transcribe {'batched' if batched else 'sequential'} ({words} words kept)"
        rows.append((label, seconds))
    return rows


def run_diarization(args: argparse.Namespace, audio: np.ndarray, work: Path) -> tuple[str, float]:
    name = args.diarization
    if name is None:
        folder = work / ("pyannote-full" if args.full_size_diarization else "pyannote-tiny")
        if not (folder / "config.yaml").exists():
            build_tiny_pyannote(folder, full_size=args.full_size_diarization)
        name = str(folder)
    token = get_settings().diarization.hf_token
    settings = DiarizationSettings(pipeline=name, device=args.device, hf_token=token)
    diarize(audio[: 30 * SAMPLE_RATE], settings)  # warm-up
    seconds, diarization = timed(lambda: diarize(audio, settings))
    return f"diarize ({len(diarization.labels)} speakers, {len(diarization.turns)} turns)", seconds


def main() -> None:
    args = arguments()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    audio = audio_of(args.audio, args.minutes, args.work_dir)
    duration = len(audio) / SAMPLE_RATE
    model = whisper_model(args, args.work_dir)
    rows = run_asr(args, audio, model)
    if not args.skip_diarization:
        rows.append(run_diarization(args, audio, args.work_dir))
        load_pipeline.cache_clear()
    table = Table(title=f"{duration / 60:.1f} min of audio, {model}, device {args.device}")
    for column in ("step", "seconds", "RTF", "3 h hearing (s)"):
        table.add_column(column)
    for label, seconds in rows:
        rtf = seconds / duration
        table.add_row(label, f"{seconds:.1f}", f"{rtf:.4f}", f"{rtf * 3 * 3600:.0f}")
    best_asr = min(seconds for label, seconds in rows if label.startswith("transcribe"))
    diarize_seconds = sum(seconds for label, seconds in rows if label.startswith("diarize"))
    total = (best_asr + diarize_seconds) / duration
    table.add_row("transcribe (best) + diarize", "", f"{total:.4f}", f"{total * 3 * 3600:.0f}")
    console.print(table)


if __name__ == "__main__":
    main()
