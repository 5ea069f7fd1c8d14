"""Real-time factor and peak memory of transcribe + diarize for one audio, model and device.

Run from the repository root (it builds test models with `tests.support`):

    # CPU, offline, the real tiny.en on 10 minutes of real speech (the clips of
    # benchmarks/speech_clips.py in turn), batched and sequential, each in its own process
    .venv/bin/python -m benchmarks.asr --real-clips --minutes 10 --model bundled-tiny.en \
        --mode both --skip-diarization

    # CPU, offline: tiny scripted models built on the fly, 2 minutes of the sample call
    .venv/bin/python -m benchmarks.asr tests/data/media/sample.wav --minutes 2

    # GPU: large-v3 / large-v3-turbo architectures with random weights emitting a fixed
    # number of tokens per 30 s window, batched vs sequential, full-size random pyannote
    .venv/bin/python -m benchmarks.asr tests/data/media/sample.wav --minutes 180 \\
        --random large-v3-turbo --tokens-per-window 100 --mode both --full-size-diarization

    # Real models (downloaded by name; pyannote needs HEARINGS_DIARIZATION__HF_TOKEN)
    .venv/bin/python -m benchmarks.asr hearing.mp4 --model large-v3-turbo \\
        --diarization pyannote/speaker-diarization-community-1

The audio is written to a WAV file and goes through the stages' own path
(`pipeline.long_audio`: read and decoded in pieces, ten minutes for the recognizer and half
an hour for the diarizer), each decoder in a fresh child process so that building the audio
is not in its figures. The first call of each model is a warm-up (loading, CUDA kernels)
and is not timed. Model times are wall-clock seconds; RTF = seconds / audio seconds (lower
is faster); peak memory is the process's maximum resident set while the step runs, the
loaded model included (reset after the warm-up). The last line is one JSON object with
every figure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from pipeline.asr import load_model, transcribe
from pipeline.audio import SAMPLE_RATE, extract_audio, load_audio, read_chunks, wav_seconds
from pipeline.config import AsrSettings, DiarizationSettings, get_settings
from pipeline.devices import resolve_device
from pipeline.long_audio import diarize_wav, transcribe_wav
from pipeline.testing.wav import write_wav

SHAPES = {"tiny": "TINY", "large-v3": "LARGE_V3", "large-v3-turbo": "LARGE_V3_TURBO"}
console = Console()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", type=Path, nargs="?", help="any media file PyAV decodes")
    parser.add_argument("--real-clips", action="store_true", help="the real clips in turn")
    parser.add_argument("--minutes", type=float, help="repeat the audio up to this length")
    parser.add_argument("--model", help="faster-whisper model name or folder (real weights)")
    parser.add_argument("--random", choices=sorted(SHAPES), default="tiny", help="architecture")
    parser.add_argument("--tokens-per-window", type=int, default=40, help="scripted output")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--compute-type", default="auto")
    parser.add_argument("--batch-size", type=int, help="default: the pipeline's (GPU 16, CPU 4)")
    parser.add_argument("--mode", choices=["batched", "sequential", "both", "auto"], default="auto")
    parser.add_argument("--diarization", help="pyannote pipeline name or folder (real weights)")
    parser.add_argument("--full-size-diarization", action="store_true")
    parser.add_argument("--skip-diarization", action="store_true")
    parser.add_argument("--wav", type=Path, help=argparse.SUPPRESS)  # a child's built audio
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "asr-bench")
    return parser.parse_args()


def audio_of(args: argparse.Namespace, work: Path) -> np.ndarray:
    if args.real_clips:
        from benchmarks.speech_clips import long_audio, real_clips

        return long_audio(real_clips(), args.minutes or 10).audio
    if args.audio is None:
        raise SystemExit("give an audio file or --real-clips")
    return repeated(args.audio, args.minutes, work)


def repeated(path: Path, minutes: float | None, work: Path) -> np.ndarray:
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
        # ctranslate2's converter imports torch (~400 MB): only when a model is built here.
        from pipeline.testing import tiny_whisper

        shape = getattr(tiny_whisper, SHAPES[args.random])
        tiny_whisper.build_tiny_whisper(folder, script, shape=shape)
    return str(folder)


def timed(action: callable) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def first_seconds(wav: Path, seconds: float = 30) -> np.ndarray:
    """The start of the audio, for a warm-up that reads no more than it needs."""
    return next(read_chunks(wav, seconds)).samples


def reset_peak_memory() -> None:
    """Linux: restart the process's peak resident set from its current size."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float:
    """This process's peak resident memory since the last reset (VmHWM, in kilobytes)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_asr(args: argparse.Namespace, wav: Path, model: str) -> dict[str, object]:
    """One decoder (`args.mode` batched or sequential; auto: batched, as the pipeline)."""
    batched = args.mode != "sequential"
    settings = AsrSettings(
        model=model,
        device=args.device,
        compute_type=args.compute_type,
        batch_size=args.batch_size,
        batched=batched,
    )
    load_model(settings.model, resolve_device(args.device), settings.compute_type)
    transcribe(first_seconds(wav), settings)  # warm-up
    reset_peak_memory()
    seconds, transcript = timed(lambda: transcribe_wav(wav, settings, []))
    words = sum(len(segment.words) for segment in transcript.segments)
    # A scripted model says the same text in every window; the loop guard keeps one.
    step = f"transcribe {'batched' if batched else 'sequential'}"
    return {"step": step, "seconds": seconds, "words": words, "peak_memory_mb": peak_memory_mb()}


def run_diarization(args: argparse.Namespace, wav: Path, work: Path) -> dict[str, object]:
    # torch and pyannote add ~400 MB to a process: imported only when diarization is measured,
    # as the transcribe stage never imports them.
    from pipeline.diarization import diarize, load_pipeline
    from pipeline.testing.tiny_pyannote import build_tiny_pyannote

    name = args.diarization
    if name is None:
        folder = work / ("pyannote-full" if args.full_size_diarization else "pyannote-tiny")
        if not (folder / "config.yaml").exists():
            build_tiny_pyannote(folder, full_size=args.full_size_diarization)
        name = str(folder)
    token = get_settings().diarization.hf_token
    settings = DiarizationSettings(pipeline=name, device=args.device, hf_token=token)
    diarize(first_seconds(wav), settings)  # warm-up
    reset_peak_memory()
    seconds, diarization = timed(lambda: diarize_wav(wav, settings))
    load_pipeline.cache_clear()
    step = f"diarize ({len(diarization.labels)} speakers, {len(diarization.turns)} turns)"
    return {"step": step, "seconds": seconds, "peak_memory_mb": peak_memory_mb()}


def in_child_processes(wav: Path, modes: list[str]) -> list[dict[str, object]]:
    """Each decoder in a fresh process on the WAV built here, so that each peak memory is
    the step's own and not the building of the audio."""
    rows = []
    for mode in modes:
        given = sys.argv[1:]
        at = given.index("--mode") if "--mode" in given else len(given)
        argv = given[:at] + given[at + 2 :]  # without "--mode X"
        command = [sys.executable, "-m", "benchmarks.asr", *argv, "--mode", mode, "--wav", str(wav)]
        if mode == "sequential":
            command.append("--skip-diarization")  # the diarization is timed once, with batched
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        rows.extend(json.loads(output.strip().splitlines()[-1])["rows"])
    return rows


def print_rows(rows: list[dict[str, object]], duration: float, title: str) -> None:
    table = Table(title=title)
    for column in ("step", "seconds", "RTF", "× real time", "3 h hearing (s)", "peak MB"):
        table.add_column(column)
    for row in rows:
        rtf = float(row["seconds"]) / duration
        row["rtf"], row["speed"] = round(rtf, 4), round(1 / rtf, 1) if rtf else None
        peak = f"{row['peak_memory_mb']:.0f}" if "peak_memory_mb" in row else ""
        cells = (f"{row['seconds']:.1f}", f"{rtf:.4f}", f"{row['speed']}", f"{rtf * 10800:.0f}")
        table.add_row(str(row["step"]), *cells, peak)
    console.print(table)


def main() -> None:
    args = arguments()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    model = whisper_model(args, args.work_dir)
    if args.wav is None:  # build the audio here, measure in children
        wav = write_wav(args.work_dir / "bench-audio.wav", audio_of(args, args.work_dir))
        modes = ["batched", "sequential"] if args.mode == "both" else [args.mode]
        rows = in_child_processes(wav, modes)
    else:
        wav = args.wav
        rows = [run_asr(args, wav, model)]
        if not args.skip_diarization:
            rows.append(run_diarization(args, wav, args.work_dir))
    duration = wav_seconds(wav)
    print_rows(rows, duration, f"{duration / 60:.1f} min of audio, {model}, device {args.device}")
    figures = {"benchmark": "asr", "minutes": round(duration / 60, 2), "model": model}
    print(json.dumps({**figures, "device": args.device, "rows": rows}))


if __name__ == "__main__":
    main()
