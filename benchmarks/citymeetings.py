"""A hearing folder in the citymeetings dataset format: `transcript.json` (one sentence per
item, speaker label, start and end in seconds) and `speakers.json` (who each label is)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.schemas import Line


def load_sentences(folder: Path) -> tuple[list[Line], list[dict[str, Any]]]:
    """The sentences as our lines, and the dataset's speaker records as they are."""
    sentences = json.loads((folder / "transcript.json").read_text(encoding="utf-8"))
    lines = [
        Line(
            index=index,
            speaker_label=str(item["speaker"]),
            start=item["start_time"],
            end=max(item["end_time"], item["start_time"]),
            text=item["text"],
        )
        for index, item in enumerate(sentences)
    ]
    people = json.loads((folder / "speakers.json").read_text(encoding="utf-8"))
    return lines, people
