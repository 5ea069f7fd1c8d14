"""Rebuild the bundled sample hearing: espeak-ng voices reading NYC Council public records.

Run from the repository root: `python data/samples/make_sample.py` (needs espeak-ng, ffmpeg).
Writes `landmarks-2024-10-01/landmarks-2024-10-01.mp4` (AAC, mono) and `.vtt` (cues with `>>` marks
where the speaker changes), from the sentences below.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

FOLDER = Path(__file__).parent / "landmarks-2024-10-01"
GAP_SECONDS = 0.6
VOICES = {"chair": "en-us", "clerk": "en+f3", "witness": "en-gb-x-rp"}

# Event 21125 (Legistar, NYC Council): its body, agenda items and their actions.
SCRIPT: list[tuple[str, str]] = [
    (
        "chair",
        "Good morning, and welcome to this meeting of the Subcommittee on Landmarks, "
        "Public Sitings and Dispositions.",
    ),
    ("chair", "Today we hold a hearing on the South Jamaica Gateway Rezoning in Queens."),
    (
        "clerk",
        "Land use item one five eight, application C 240328 ZMQ, submitted by Fulcrum "
        "Properties, The Briarwood Organization, and the Department of Housing "
        "Preservation and Development.",
    ),
    (
        "clerk",
        "It changes R4, R5B and R5D districts to an R7A district in Community District 12, "
        "Council Districts 27 and 28.",
    ),
    (
        "witness",
        "Application G 240058 XUK is the MHANY Multifamily Preservation Loan Program, "
        "an Article XI tax exemption in Brooklyn.",
    ),
    (
        "witness",
        "It was submitted by the New York City Department of Housing Preservation and Development.",
    ),
    ("chair", "Thank you. These items are laid over by the subcommittee."),
    ("chair", "This meeting is adjourned."),
]


def speak(text: str, voice: str, path: Path) -> None:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(path), text], check=True)


def timestamp(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        frames, cues, clock, previous, params = [], [], 0.0, None, None
        for number, (speaker, text) in enumerate(SCRIPT):
            path = Path(scratch) / f"{number}.wav"
            speak(text, VOICES[speaker], path)
            with wave.open(str(path)) as clip:
                params = clip.getparams()
                frames.append(clip.readframes(clip.getnframes()))
                duration = clip.getnframes() / clip.getframerate()
            mark = ">> " if speaker != previous else ""
            cues.append(f"{timestamp(clock)} --> {timestamp(clock + duration)}\n{mark}{text}")
            silence = b"\0" * int(GAP_SECONDS * params.framerate) * params.sampwidth
            frames.append(silence)
            clock += duration + GAP_SECONDS
            previous = speaker
        joined = Path(scratch) / "hearing.wav"
        with wave.open(str(joined), "wb") as out:
            out.setparams(params)
            out.writeframes(b"".join(frames))
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(joined),
                "-ac",
                "1",
                "-c:a",
                "aac",
                "-b:a",
                "40k",
                "-movflags",
                "+faststart",
                str(FOLDER / f"{FOLDER.name}.mp4"),
            ],
            check=True,
        )
    (FOLDER / f"{FOLDER.name}.vtt").write_text(
        "WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
