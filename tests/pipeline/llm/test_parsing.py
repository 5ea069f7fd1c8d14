"""Tolerant where harmless (raw control characters, a code fence), strict about the schema."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.llm import parse_reply
from tests.pipeline.llm.conftest import Verdict


def test_raw_control_characters_and_a_fence_are_tolerated() -> None:
    raw = '```json\n{"answer": "two\nlines\tand a tab", "score": 2}\n```'
    assert parse_reply(raw, Verdict) == Verdict(answer="two\nlines\tand a tab", score=2)


@pytest.mark.parametrize(
    "reply",
    [
        '{"answer": "yes", "score": "three"}',
        '{"answer": "yes", "score": 3, "extra": true}',
        '{"answer": "yes"}',
        'Sure! {"answer": "yes", "score": 3}',
        '{"answer": "yes", "score": 3',
    ],
    ids=["wrong-type", "extra-key", "missing-key", "prose", "cut-off"],
)
def test_anything_off_the_schema_is_still_rejected(reply: str) -> None:
    with pytest.raises(ValidationError):
        parse_reply(reply, Verdict)
