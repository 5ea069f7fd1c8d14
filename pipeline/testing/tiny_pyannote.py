"""A pyannote.audio 4 diarization pipeline folder with random weights, built offline.

The folder has the shape of `pyannote/speaker-diarization-community-1` (config.yaml with
`$model/...` entries, segmentation and embedding checkpoints, PLDA files), so
`Pipeline.from_pretrained(folder)` loads it exactly as it loads the real one. Its output
is meaningless: tests check the stage's plumbing and contract with it, and attribution
logic with reference turns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytorch_lightning
import torch
import yaml
from pyannote.audio import __version__ as pyannote_version
from pyannote.audio.core.model import Model
from pyannote.audio.core.task import Problem, Resolution, Specifications
from pyannote.audio.models.embedding.wespeaker import WeSpeakerResNet34
from pyannote.audio.models.embedding.xvector import XVectorMFCC
from pyannote.audio.models.segmentation import PyanNet

EMBEDDING_DIMENSION = 256
LDA_DIMENSION = 128
PIPELINE_CONFIG = {
    "dependencies": {"pyannote.audio": "4.0.0"},
    "pipeline": {
        "name": "pyannote.audio.pipelines.SpeakerDiarization",
        "params": {
            "clustering": "VBxClustering",
            "embedding": "$model/embedding",
            "embedding_batch_size": 8,
            "embedding_exclude_overlap": True,
            "plda": "$model/plda",
            "segmentation": "$model/segmentation",
            "segmentation_batch_size": 8,
        },
    },
    "params": {
        "clustering": {"threshold": 0.6, "Fa": 0.07, "Fb": 0.8},
        "segmentation": {"min_duration_off": 0.0},
    },
}


def _save_checkpoint(model: Model, specifications: Specifications, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "state_dict": model.state_dict(),
            "pyannote.audio": {
                "versions": {"pyannote.audio": pyannote_version},
                "architecture": {
                    "module": type(model).__module__,
                    "class": type(model).__name__,
                },
                "specifications": specifications,
            },
            "hyper_parameters": dict(model.hparams),
            "pytorch-lightning_version": pytorch_lightning.__version__,
        },
        path,
    )


def _segmentation_model(full_size: bool) -> tuple[Model, Specifications]:
    if full_size:  # the layer sizes of pyannote/segmentation-3.0
        model = PyanNet(lstm={"hidden_size": 128, "num_layers": 4}, linear={"hidden_size": 128})
    else:
        model = PyanNet(lstm={"hidden_size": 32, "num_layers": 1}, linear={"hidden_size": 32})
    specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION,
        resolution=Resolution.FRAME,
        duration=10.0,
        classes=["speaker#1", "speaker#2", "speaker#3"],
        powerset_max_classes=2,
        permutation_invariant=True,
    )
    model.specifications = specifications
    model.build()
    return model, specifications


def _embedding_model(full_size: bool) -> tuple[Model, Specifications]:
    if full_size:  # the embedding model of speaker-diarization-community-1
        model: Model = WeSpeakerResNet34()
    else:
        model = XVectorMFCC(mfcc={"melkwargs": {"n_mels": 64}}, dimension=EMBEDDING_DIMENSION)
    specifications = Specifications(
        problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=5.0
    )
    model.specifications = specifications
    return model, specifications


def _write_plda(folder: Path, rng: np.random.Generator) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lda = rng.standard_normal((EMBEDDING_DIMENSION, LDA_DIMENSION))
    np.savez(
        folder / "xvec_transform.npz",
        mean1=np.zeros(EMBEDDING_DIMENSION),
        mean2=np.zeros(LDA_DIMENSION),
        lda=lda,
    )
    rotation, _ = np.linalg.qr(rng.standard_normal((LDA_DIMENSION, LDA_DIMENSION)))
    np.savez(
        folder / "plda.npz",
        mu=np.zeros(LDA_DIMENSION),
        tr=rotation,
        psi=np.sort(rng.uniform(0.5, 5.0, LDA_DIMENSION))[::-1],
    )


def build_tiny_pyannote(folder: Path, *, full_size: bool = False, seed: int = 0) -> Path:
    """Write a pipeline folder that `Pipeline.from_pretrained(folder)` loads offline.

    `full_size` uses the real pipeline's architectures (for speed benchmarks); the default
    uses small ones that load and run in seconds on a CPU.
    """
    torch.manual_seed(seed)
    segmentation, specifications = _segmentation_model(full_size)
    _save_checkpoint(segmentation, specifications, folder / "segmentation" / "pytorch_model.bin")
    embedding, embedding_specifications = _embedding_model(full_size)
    _save_checkpoint(
        embedding, embedding_specifications, folder / "embedding" / "pytorch_model.bin"
    )
    _write_plda(folder / "plda", np.random.default_rng(seed))
    (folder / "config.yaml").write_text(yaml.safe_dump(PIPELINE_CONFIG), encoding="utf-8")
    return folder
