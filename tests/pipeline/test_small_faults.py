"""A full disk leaves no partial audio; artifacts get the same permissions as the media."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.support.stages import run

# The file-size limit stands in for a full disk: every write past it fails with an OSError.
FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from pipeline.audio import extract_audio
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
try:
    extract_audio(Path(sys.argv[1]), Path(sys.argv[2]))
except OSError as error:
    print("OSError", error.errno)
"""


def test_a_full_disk_leaves_no_partial_audio(speech_wav: Path, tmp_path: Path) -> None:
    destination = tmp_path / "audio.wav"
    environment = os.environ | {"PYTHONPATH": str(REPO_ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(speech_wav), str(destination)],
        env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert completed.stdout.startswith("OSError"), completed.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_artifacts_get_the_permissions_of_the_media(context, speech_wav, umask: int) -> None:
    previous = os.umask(umask)
    try:
        run(context, "acquire", source=str(speech_wav))
        run(context, "audio")
    finally:
        os.umask(previous)
    folder = context.store.hearing_dir(context.slug)
    modes = {path.name: path.stat().st_mode & 0o777 for path in folder.iterdir()}
    assert modes == dict.fromkeys(modes, 0o666 & ~umask), modes
