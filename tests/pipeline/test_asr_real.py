"""The real Whisper tiny.en (the `models` extra) on real and espeak-ng speech.

Short clips only: each transcription takes about a second on a busy CPU.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pytest
from faster_whisper.audio import decode_audio
from faster_whisper.transcribe import Word as WhisperWord

from pipeline.asr import _joined_pieces, hotword_plan, load_model, transcribe
from pipeline.asr_model import BUNDLED_TINY_EN
from pipeline.config import AsrSettings
from pipeline.glossary import HOTWORD_TOKEN_BUDGET, packaged_terms
from pipeline.roster import Priority, Roster, RosterMember

NUMBERS = (
    "The budget is one point two billion dollars, a three point five percent increase "
    "over last year."
)
REPEATED = "The committee will now vote on the resolution before us."
THREE_VOICES = ("en-us", "en+f3", "en-gb")


def words_of(transcript) -> list[str]:
    return [word.text for segment in transcript.segments for word in segment.words]


def text_of(transcript) -> str:
    return " ".join(segment.text for segment in transcript.segments)


@pytest.fixture(scope="module")
def three_voices(say) -> np.ndarray:
    """One sentence said by three voices in turn, half a second apart."""
    pause = np.zeros(8_000, dtype=np.float32)
    said = [say(REPEATED, voice) for voice in THREE_VOICES]
    return np.concatenate([part for speech in said for part in (speech, pause)])


@pytest.fixture(scope="module")
def sample_speech(media_data: Path) -> np.ndarray:
    """The pyannote sample: 30 s of two people on the phone (nothing civic is said)."""
    return decode_audio(str(media_data / "sample.wav"))


@pytest.mark.parametrize("batched", [True, False])
def test_numbers_keep_their_pieces_together(real_asr: AsrSettings, say, batched: bool) -> None:
    transcript = transcribe(say(NUMBERS), real_asr, batched=batched)

    words = words_of(transcript)
    assert "$1.2" in words and "3.5%" in words
    assert not [word for word in words if re.match(r"^[.,%-]", word)]
    assert text_of(transcript).startswith("The budget is $1.2 billion")


def test_word_pieces_join_the_word_before_them() -> None:
    def piece(text: str, start: float, probability: float = 0.9) -> WhisperWord:
        return WhisperWord(start=start, end=start + 0.2, word=text, probability=probability)

    pieces = [piece(" U", 0), piece(".B.", 0.2, 0.5), piece(" demi", 0.4), piece("-sorry", 0.6)]

    joined = _joined_pieces(pieces)

    assert [word.word for word in joined] == [" U.B.", " demi-sorry"]
    assert (joined[0].start, joined[0].end, joined[0].probability) == (0, 0.4, 0.5)


@pytest.mark.parametrize("batched", [True, False])
def test_a_sentence_said_again_by_others_is_not_erased(
    real_asr: AsrSettings, three_voices: np.ndarray, batched: bool
) -> None:
    said = text_of(transcribe(three_voices, real_asr, batched=batched)).count("committee")

    # The sequential decoder keeps all three; tiny.en's batched decoding loses one.
    assert said >= (2 if batched else 3)


@pytest.mark.parametrize("batched", [True, False])
def test_a_rerun_gives_the_same_words_and_times(
    real_asr: AsrSettings, three_voices: np.ndarray, batched: bool
) -> None:
    # This clip's repeats push the sequential decoder to its temperature fallback.
    runs = [transcribe(three_voices, real_asr, batched=batched) for _ in range(2)]

    assert runs[0].segments and runs[1] == runs[0]


def test_the_batch_size_changes_no_word_or_time(
    real_asr: AsrSettings, sample_speech: np.ndarray, say
) -> None:
    audio = np.concatenate([sample_speech, say(NUMBERS), sample_speech])
    one, four = (
        transcribe(audio, real_asr.model_copy(update={"batch_size": size}), batched=True)
        for size in (1, 4)
    )

    assert len(one.segments) > 3 and four == one


def test_real_speech_is_transcribed_with_timed_words(
    real_asr: AsrSettings, sample_speech: np.ndarray
) -> None:
    transcript = transcribe(sample_speech, real_asr)

    text = text_of(transcript).casefold()
    assert "this is diane in new jersey" in text and "chicago" in text
    words = [word for segment in transcript.segments for word in segment.words]
    chicago = next(word for word in words if "chicago" in word.text.casefold())
    assert 15.0 <= chicago.start <= 17.8  # "originally from Chicago" at 14.4–17.8 s (STM)


@pytest.fixture(scope="module")
def nyc_roster() -> Roster:
    """A committee of five and forty-seven other members, as on a real hearing day."""
    from pipeline.sources.bundled_roster import load_bundled_roster

    persons = load_bundled_roster().persons
    names = [person.PersonFullName for person in persons if person.PersonFullName][:52]

    def member(index: int, name: str) -> RosterMember:
        priority = Priority.CHAIR if index == 0 else Priority.COMMITTEE_MEMBER
        priority = priority if index < 5 else Priority.COUNCIL_MEMBER
        return RosterMember(person_id=index, name=name, title="", body="", priority=priority)

    return Roster(members=[member(index, name) for index, name in enumerate(names)])


def test_hotwords_fit_the_model_tokenizer_budget_committee_first_and_cuts_are_logged(
    real_asr: AsrSettings, nyc_roster: Roster, caplog: pytest.LogCaptureFixture
) -> None:
    model = load_model(BUNDLED_TINY_EN, "cpu", "auto")
    groups = [nyc_roster.committee_names(), packaged_terms(), nyc_roster.other_names()]

    with caplog.at_level(logging.WARNING, logger="pipeline.asr"):
        plan = hotword_plan(model, groups)

    prompt_tokens = model.hf_tokenizer.encode(" " + (plan.text or ""), add_special_tokens=False)
    assert plan.tokens == len(prompt_tokens.ids) <= HOTWORD_TOKEN_BUDGET == 223
    assert plan.kept[:5] == nyc_roster.committee_names()
    assert set(packaged_terms()) <= set(plan.kept)
    assert plan.cut and set(plan.cut) <= set(nyc_roster.other_names())
    assert any(plan.cut[-1] in record.getMessage() for record in caplog.records)


def test_the_default_settings_put_no_name_or_term_nobody_said(
    real_asr: AsrSettings, nyc_roster: Roster, sample_speech: np.ndarray
) -> None:
    groups = [nyc_roster.committee_names(), packaged_terms(), nyc_roster.other_names()]
    plain = AsrSettings(model=BUNDLED_TINY_EN, device="cpu", vocabulary="off")

    with_terms = transcribe(sample_speech, AsrSettings(model=BUNDLED_TINY_EN, device="cpu"), groups)

    assert words_of(with_terms) == words_of(transcribe(sample_speech, plain))
    surnames = {name.split()[-1].strip(",.").casefold() for name in nyc_roster.committee_names()}
    said = {word.strip(",.?!").casefold() for word in words_of(with_terms)}
    assert not said & (surnames | {term.casefold() for term in packaged_terms()})
