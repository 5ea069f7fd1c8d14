"""The identify stage: who each diarization label is (see identify.py, step.py)."""

from typing import Any

from pipeline.speakers.identify import IdentifyOptions, identify_speakers

__all__ = ["IdentifyOptions", "identify_speakers", "run_identify"]


def __getattr__(name: str) -> Any:
    """`run_identify` (with the LLM client) is imported when first asked for, so that a
    command that only names speakers by rules, or none, starts without openai."""
    if name == "run_identify":
        from pipeline.speakers.step import run_identify

        return run_identify
    raise AttributeError(name)
