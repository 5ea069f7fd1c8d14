"""Every artifact contract survives a JSON round trip, and chapters must tile the hearing."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from pipeline.schemas import (
    Chapter,
    ChapterKind,
    Chapters,
    Diarization,
    Line,
    Lines,
    Provenance,
    Segment,
    SourceInfo,
    SpeakerIdentities,
    SpeakerIdentity,
    SpeakerTurn,
    TilingError,
    TokenUsage,
    Transcript,
    Word,
)

WORDS = [
    Word(text=" I", start=8948.2, end=8948.4, probability=0.98),
    Word(text=" have", start=8948.4, end=8948.7, probability=0.97),
]


def _chapter(start: int, stop: int, kind: ChapterKind = ChapterKind.QA) -> Chapter:
    return Chapter(
        start_line=start,
        stop_line=stop,
        kind=kind,
        title="Questions on the Mobility Hub program",
        summary="Council Member Gutiérrez asks about staffing.",
        bullets=["Staffing is at 80 %.", "Hiring continues.", "A report is due in March."],
        provenance=Provenance(generator="gpt-4.1-mini", prompt_version="chapter-text-v1"),
    )


EXAMPLES: list[BaseModel] = [
    SourceInfo(
        url="https://councilnyc.viebit.com/vod/?s=true&v=NYCC-PV-CH-CHA_241022-093000.mp4",
        final_url="https://vbfast-vod.viebit.com/counciln/abcdef0123456789/NYCC.mp4",
        media_file="media.mp4",
        size_bytes=2_000_000_000,
        sha256="0" * 64,
        content_type="video/mp4",
        duration_seconds=10800.0,
    ),
    Transcript(
        language="en",
        duration_seconds=10800.0,
        model="large-v3-turbo",
        segments=[Segment(start=8948.2, end=8953.9, text=" I have", words=WORDS)],
    ),
    Diarization(turns=[SpeakerTurn(speaker_label="SPEAKER_03", start=8940.0, end=8960.5)]),
    Lines(
        lines=[
            Line(
                index=0,
                speaker_label="SPEAKER_03",
                start=8948.2,
                end=8953.9,
                text="I have just one more question.",
                words=WORDS,
            )
        ]
    ),
    SpeakerIdentities(
        speakers=[
            SpeakerIdentity(
                label="SPEAKER_03",
                person_id=7631,
                name="Jennifer Gutiérrez",
                display_name="Jennifer Gutiérrez",
                role="Chair",
                organization="NYC Council",
                confidence=0.92,
                evidence=[0],
            ),
            SpeakerIdentity(label="SPEAKER_07", display_name="Speaker 7"),
        ]
    ),
    Chapters(line_count=5, chapters=[_chapter(0, 2), _chapter(2, 5)], summary="A hearing on ..."),
    TokenUsage(calls=2, tokens_in=1000, tokens_out=200, cost_usd=0.0007),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: type(example).__name__)
def test_json_round_trip(example: BaseModel) -> None:
    restored = type(example).model_validate_json(example.model_dump_json())
    assert restored == example


def test_chapters_must_tile_without_gaps_or_overlaps() -> None:
    with pytest.raises(ValidationError, match="starts at line 3, expected 2"):
        Chapters(line_count=5, chapters=[_chapter(0, 2), _chapter(3, 5)])
    with pytest.raises(ValidationError, match="starts at line 1, expected 2"):
        Chapters(line_count=5, chapters=[_chapter(0, 2), _chapter(1, 5)])
    with pytest.raises(ValidationError, match="end at line 4, the hearing has 5"):
        Chapters(line_count=5, chapters=[_chapter(0, 4)])
    with pytest.raises(ValidationError, match="has no lines"):
        _chapter(2, 2)


def test_a_hearing_without_lines_has_no_chapters() -> None:
    assert Chapters(line_count=0).chapters == []
    with pytest.raises(TilingError):
        from pipeline.schemas import check_tiling

        check_tiling([_chapter(0, 1)], 0)


def test_line_indices_must_be_positions() -> None:
    line = Line(index=1, speaker_label="SPEAKER_00", start=0, end=1, text="Hello.")
    with pytest.raises(ValidationError, match="position 0 has index 1"):
        Lines(lines=[line])


def test_unknown_fields_and_bad_values_are_rejected() -> None:
    with pytest.raises(ValidationError):
        Word.model_validate({"text": "x", "start": 0, "end": 1, "speaker": "A"})
    with pytest.raises(ValidationError):
        SpeakerIdentity(label="A", display_name="A", confidence=1.5)
    with pytest.raises(ValidationError):
        Chapter.model_validate({**_chapter(0, 1).model_dump(), "kind": "lunch"})


def test_kind_labels_read_like_the_site() -> None:
    assert ChapterKind.QA.label == "Q&A"
    assert ChapterKind.PUBLIC_TESTIMONY.label == "Public testimony"


def test_token_usage_adds_up() -> None:
    total = TokenUsage(calls=1, tokens_in=10, tokens_out=2, cost_usd=0.5) + TokenUsage(
        calls=2, tokens_in=5, tokens_out=1, cost_usd=0.25
    )
    assert total == TokenUsage(calls=3, tokens_in=15, tokens_out=3, cost_usd=0.75)
