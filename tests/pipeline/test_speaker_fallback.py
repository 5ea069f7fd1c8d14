"""Without a diarizer: the recognizer's words, the captions' `>>` turns (or one speaker)."""

from __future__ import annotations

import pytest
from faster_whisper.audio import decode_audio

from pipeline.asr import transcribe
from pipeline.attribution import SINGLE_SPEAKER_LABEL
from pipeline.config import AsrSettings
from pipeline.schemas import Segment, Transcript, Word
from pipeline.speaker_fallback import attribute_without_diarizer, caption_turns
from tests.conftest import REPO_ROOT

SAMPLE = REPO_ROOT / "data" / "samples" / "landmarks-2024-10-01" / "landmarks-2024-10-01"
CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:04.000
>> Good morning. The hearing will come to order.

00:00:04.000 --> 00:00:06.000
Please be seated.

00:00:06.500 --> 00:00:09.000
>> Thank you, Chair.
"""


def transcript_of(*timed: tuple[str, float, float]) -> Transcript:
    words = [Word(text=text, start=start, end=end) for text, start, end in timed]
    text = " ".join(word.text for word in words)
    segment = Segment(start=words[0].start, end=words[-1].end, text=text, words=words)
    return Transcript(language="en", duration_seconds=10, model="m", segments=[segment])


def test_each_stretch_between_marks_is_one_turn() -> None:
    turns = caption_turns(CAPTIONS)

    assert [(t.speaker_label, t.start, t.end) for t in turns] == [
        ("SPEAKER_00", 0.0, 6.0),
        ("SPEAKER_01", 6.5, 9.0),
    ]


def test_the_recognizers_words_get_the_turn_they_fall_in() -> None:
    transcript = transcript_of(
        ("Good", 0.2, 0.5), ("morning.", 0.5, 0.9), ("Be", 4.2, 4.4), ("seated.", 4.4, 5.0),
        ("Thanks,", 6.8, 7.2), ("Chair.", 7.2, 7.6),
    )  # fmt: skip

    lines = attribute_without_diarizer(transcript, CAPTIONS).lines

    assert [(line.speaker_label, line.text) for line in lines] == [
        ("SPEAKER_00", "Good morning."),
        ("SPEAKER_00", "Be seated."),
        ("SPEAKER_01", "Thanks, Chair."),
    ]


def test_without_captions_one_speaker_says_everything() -> None:
    transcript = transcript_of(("Good", 0.2, 0.5), ("morning.", 0.5, 0.9), ("Hi.", 6.8, 7.2))

    lines = attribute_without_diarizer(transcript, None).lines

    assert {line.speaker_label for line in lines} == {SINGLE_SPEAKER_LABEL}
    assert [line.text for line in lines] == ["Good morning.", "Hi."]


def test_real_speech_keeps_the_recognizers_text_and_the_captions_turns(
    real_asr: AsrSettings,
) -> None:
    audio = decode_audio(str(SAMPLE.with_suffix(".mp4")))[: 26 * 16_000]
    captions = SAMPLE.with_suffix(".vtt").read_text(encoding="utf-8")
    transcript = transcribe(audio, real_asr)

    lines = attribute_without_diarizer(transcript, captions).lines

    said = [word.text for segment in transcript.segments for word in segment.words]
    assert [word.text for line in lines for word in line.words] == said
    opening = next(line for line in lines if line.text.startswith("Good morning"))
    item = next(line for line in lines if "fulcrum" in line.text.casefold())
    assert opening.speaker_label == "SPEAKER_00" != item.speaker_label
    assert item.start == pytest.approx(12.1, abs=1.5)  # the second '>>' at 12.1 s
