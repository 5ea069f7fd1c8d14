"""The identify stage: who each diarization label is (see identify.py, step.py)."""

from pipeline.speakers.identify import IdentifyOptions, identify_speakers
from pipeline.speakers.step import run_identify

__all__ = ["IdentifyOptions", "identify_speakers", "run_identify"]
