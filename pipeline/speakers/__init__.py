"""The identify stage: who each diarization label is (see identify.py, step.py)."""

from typing import Any

from pipeline.speakers.identify import IdentifyOptions, identify_speakers

__all__ = ["IDENTIFY_STAGE", "IdentifyOptions", "identify_speakers"]


def __getattr__(name: str) -> Any:
    """`IDENTIFY_STAGE` (with the LLM client) is imported when first asked for, so that a
    command that only names speakers by rules, or none, starts without openai."""
    if name == "IDENTIFY_STAGE":
        from pipeline.speakers.step import IDENTIFY_STAGE

        return IDENTIFY_STAGE
    raise AttributeError(name)
