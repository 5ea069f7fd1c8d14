"""The identify stage: who each diarization label is (see identify.py, step.py)."""

from pipeline.speakers.identify import IdentifyOptions, identify_speakers
from pipeline.speakers.step import IDENTIFY_STAGE

__all__ = ["IDENTIFY_STAGE", "IdentifyOptions", "identify_speakers"]
