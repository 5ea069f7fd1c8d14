"""Real speech clips with reference texts, and the scoring the ASR benchmarks share.

Clips (see ../shared/data/README.md for sources and licences; nothing is copied into the
repository except the pyannote sample, which tests/data/media already ships):
- jfk.flac (11 s): its known text;
- the pyannote sample (30 s, two speakers): its STM (text, speaker, utterance times) and RTTM;
- stereo_diarization.wav (5 s): each channel's text, as its README gives it;
- the AMI debug excerpts dev00/dev01 (30 s each): no text, only for word counts.
Civic clips are spoken by espeak-ng from sentences written here.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from faster_whisper.audio import decode_audio
from rapidfuzz.distance import Levenshtein

from pipeline.audio import SAMPLE_RATE
from pipeline.schemas import SpeakerTurn

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_AUDIO = REPO_ROOT.parent / "shared" / "data" / "audio"
SAMPLE_DIR = REPO_ROOT / "tests" / "data" / "media"
JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
STEREO_TEXTS = (
    "He began a confused complaint against the wizard, who had vanished behind the curtain "
    "on the left.",
    "The horizon seems extremely distant.",
)
# Civic sentences as a hearing says them, with names and agency acronyms, read by espeak-ng.
CIVIC_SENTENCES = (
    "Good morning, I am Council Member Jennifer Gutierrez, chair of the committee on technology.",
    "The Department of Housing Preservation and Development testified about NYCHA repairs.",
    "Council Member Restler, you have the floor for five minutes.",
    "The budget is one point two billion dollars, a three point five percent increase.",
    "We will now hear from the public. Please state your name for the record.",
    "Thank you for coming today. The hearing is adjourned.",
)
WORD = re.compile(r"[\w$%']+")


@dataclass
class Utterance:
    speaker: str
    start: float
    end: float
    text: str


@dataclass
class Clip:
    name: str
    audio: np.ndarray
    reference: str | None
    utterances: list[Utterance] = field(default_factory=list)
    turns: list[SpeakerTurn] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def normalized_words(text: str) -> list[str]:
    """Lower case, accents and punctuation removed ('$1.2' keeps its digits: '$1', '2')."""
    plain = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return WORD.findall(plain.replace("-", " ").replace(".", " "))


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edits, reference words)."""
    ref, hyp = normalized_words(reference), normalized_words(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def read_stm(path: Path) -> list[Utterance]:
    utterances = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) == 6:
            utterances.append(Utterance(parts[2], float(parts[3]), float(parts[4]), parts[5]))
    return utterances


def read_rttm(path: Path, recording: str | None = None) -> list[SpeakerTurn]:
    turns = []
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if parts and parts[0] == "SPEAKER" and (recording is None or parts[1] == recording):
            start, length = float(parts[3]), float(parts[4])
            turns.append(SpeakerTurn(speaker_label=parts[7], start=start, end=start + length))
    return turns


def _channels(path: Path) -> list[np.ndarray]:
    return list(decode_audio(str(path), sampling_rate=SAMPLE_RATE, split_stereo=True))


def real_clips() -> list[Clip]:
    """The real clips present on this machine."""
    utterances = read_stm(SAMPLE_DIR / "sample.stm")
    clips = [
        Clip(
            "pyannote-sample",
            decode_audio(str(SAMPLE_DIR / "sample.wav")),
            " ".join(utterance.text for utterance in utterances),
            utterances,
            read_rttm(SAMPLE_DIR / "sample.rttm"),
        )
    ]
    jfk = SHARED_AUDIO / "whisper" / "jfk.flac"
    if jfk.is_file():
        clips.append(Clip("jfk", decode_audio(str(jfk)), JFK_TEXT))
    stereo = SHARED_AUDIO / "faster-whisper" / "stereo_diarization.wav"
    if stereo.is_file():
        for side, (audio, text) in enumerate(zip(_channels(stereo), STEREO_TEXTS, strict=True)):
            clips.append(Clip(f"stereo-{'left' if side == 0 else 'right'}", audio, text))
    ami = SHARED_AUDIO / "pyannote-debug-ami"
    for name in ("dev00", "dev01"):
        if (ami / f"{name}.wav").is_file():
            audio = decode_audio(str(ami / f"{name}.wav"))
            turns = read_rttm(ami / "debug.development.rttm", name)
            clips.append(Clip(f"ami-{name}", audio, None, [], turns))
    return clips


def speak(text: str, voice: str = "en-us") -> np.ndarray:
    """`text` read by espeak-ng, 16 kHz mono float32."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise SystemExit("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run([binary, "-v", voice, "-w", str(wav), text], check=True)
        return decode_audio(str(wav))


def civic_clips() -> list[Clip]:
    voices = ("en-us", "en+f3", "en-gb")
    return [
        Clip(f"civic-{number}", speak(text, voices[number % len(voices)]), text)
        for number, text in enumerate(CIVIC_SENTENCES)
    ]


def long_audio(clips: list[Clip], minutes: float, pause_seconds: float = 1.0) -> Clip:
    """The clips in turn, with a pause between them, in whole rounds up to `minutes` or a
    little more; its reference is the clips' references in the same order (when all have)."""
    pause = np.zeros(int(pause_seconds * SAMPLE_RATE), dtype=np.float32)
    one_round = np.concatenate([part for clip in clips for part in (clip.audio, pause)])
    rounds = max(1, round(minutes * 60 * SAMPLE_RATE / len(one_round)))
    texts = [clip.reference for clip in clips]
    reference = " ".join(texts) if all(texts) else None
    return Clip(
        f"{rounds} rounds of {len(clips)} clips",
        np.tile(one_round, rounds),
        " ".join([reference] * rounds) if reference else None,
    )
