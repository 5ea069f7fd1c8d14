"""Who speaks when, with pyannote.audio 4.

The audio goes in memory (`{"waveform", "sample_rate"}`), which skips pyannote's own
decoder and is much faster than a path. The exclusive diarization (one speaker at a
time) is kept: it is what words are attributed to.

Progress comes from the pipeline's `hook`, which it calls as
`hook(step_name, step_artifact, file=..., total=..., completed=...)`: per batch inside the
long steps (segmentation, embeddings), once at the end of each step.

torch and pyannote are imported when a pipeline is loaded, not with this module, so that
importing it (for its error class) costs nothing on paths that never diarize.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.audio import AUDIO_FILE, SAMPLE_RATE
from pipeline.config import DiarizationSettings
from pipeline.devices import resolve_device
from pipeline.errors import HearingsError
from pipeline.progress import FractionCallback, MonotonicFraction
from pipeline.schemas import Diarization, SpeakerTurn
from pipeline.stages import Stage, StageCall, StageDeclaration

if TYPE_CHECKING:
    from pyannote.audio import Pipeline

# torch and pyannote (≈ 2-30 s to import, with lightning) are imported when a hearing is
# diarized, not when a flow that may skip this stage starts.

# The part of the whole run each reported step spans. The embeddings take nearly all of it
# (98 % of a CPU run with community-1's architectures), segmentation and clustering (between
# "embeddings" and "discrete_diarization") a few percent each.
STEP_SPANS = {
    "segmentation": (0.0, 0.1),
    "embeddings": (0.1, 0.95),
    "discrete_diarization": (0.95, 0.98),
}


class DiarizationUnavailable(HearingsError, RuntimeError):
    """The diarization pipeline cannot be loaded (no token, offline, bad folder...)."""


@lru_cache(maxsize=1)
def load_pipeline(name: str, token: str | None, device: str) -> Pipeline:
    """The pipeline by hub name (token needed for gated models) or local folder."""
    import torch
    from pyannote.audio import Pipeline

    hint = (
        "Accept its conditions on huggingface.co and set HEARINGS_DIARIZATION__HF_TOKEN, "
        "or set HEARINGS_DIARIZATION__PIPELINE to a downloaded folder."
    )
    try:
        pipeline = Pipeline.from_pretrained(name, token=token)
    except (OSError, RuntimeError, ValueError, KeyError) as error:
        raise DiarizationUnavailable(
            f"diarization pipeline {name!r} cannot be loaded ({type(error).__name__}). {hint}"
        ) from error
    if pipeline is None:
        raise DiarizationUnavailable(f"diarization pipeline {name!r} is not available. {hint}")
    return pipeline.to(torch.device(device))


def _speaker_bounds(settings: DiarizationSettings) -> dict[str, Any]:
    bounds = {"min_speakers": settings.min_speakers, "max_speakers": settings.max_speakers}
    return {name: value for name, value in bounds.items() if value is not None}


class ProgressHook:
    """A pyannote `hook` that turns step names and batch counts into one fraction."""

    def __init__(self, progress: FractionCallback | None) -> None:
        self.fraction = MonotonicFraction(progress)

    def __call__(
        self,
        step_name: str,
        _step_artifact: object,
        *,
        file: object = None,
        total: int | None = None,
        completed: int | None = None,
    ) -> None:
        if step_name not in STEP_SPANS:
            return
        # Without counts the step is over; the segmentation counter can pass its total.
        done = min(1.0, completed / total) if total and completed is not None else 1.0
        start, end = STEP_SPANS[step_name]
        self.fraction(start + (end - start) * done)

    def finish(self) -> None:
        self.fraction.finish()


def diarize(
    audio: np.ndarray,
    settings: DiarizationSettings,
    *,
    progress: FractionCallback | None = None,
) -> Diarization:
    """Exclusive speaker turns of 16 kHz mono float32 `audio`, in time order.

    `progress` gets the fraction of the work done so far, ending with 1.0.
    """
    return diarize_with_voices(audio, settings, progress=progress)[0]


def diarize_with_voices(
    audio: np.ndarray,
    settings: DiarizationSettings,
    *,
    progress: FractionCallback | None = None,
) -> tuple[Diarization, dict[str, np.ndarray]]:
    """The turns, and each label's voice (its centroid speaker embedding), so that labels
    of separately diarized pieces of one hearing can be matched."""
    import torch

    token = settings.hf_token.get_secret_value() if settings.hf_token else None
    pipeline = load_pipeline(settings.pipeline, token, resolve_device(settings.device))
    waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)).unsqueeze(0)
    hook = ProgressHook(progress)
    output = pipeline(
        {"waveform": waveform, "sample_rate": SAMPLE_RATE}, hook=hook, **_speaker_bounds(settings)
    )
    hook.finish()
    turns = [
        SpeakerTurn(speaker_label=str(label), start=round(turn.start, 3), end=round(turn.end, 3))
        for turn, _, label in output.exclusive_speaker_diarization.itertracks(yield_label=True)
    ]
    labels = [str(label) for label in output.speaker_diarization.labels()]
    centroids = output.speaker_embeddings
    voices = {} if centroids is None else dict(zip(labels, np.asarray(centroids), strict=False))
    return Diarization(turns=sorted(turns, key=lambda turn: (turn.start, turn.end))), voices


def _diarize_stage(call: StageCall) -> Diarization:
    from pipeline.long_audio import diarize_wav

    return diarize_wav(
        call.folder / AUDIO_FILE, call.settings.diarization, progress=call.progress.fraction
    )


DIARIZE_STAGE = StageDeclaration(
    name=Stage.DIARIZE,
    version="1",
    inputs=("audio",),
    output="diarization",
    contract=Diarization,
    compute=_diarize_stage,
    summary=lambda found: f"{len(found.labels)} speakers, {len(found.turns)} turns",
    # The token only opens the download; it never changes the result (and is a secret).
    options=lambda call: call.settings.diarization.model_dump(
        mode="json", include={"pipeline", "min_speakers", "max_speakers"}
    ),
    gpu=True,
    unavailable=(DiarizationUnavailable,),
    release=load_pipeline.cache_clear,
)
