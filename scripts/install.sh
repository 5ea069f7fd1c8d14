#!/usr/bin/env bash
# Creates .venv and installs the project so that a CPU-only machine never pulls a CUDA
# PyTorch and `import pyannote.audio` works there. Re-running is fast: a stamp records
# the inputs of the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
TORCH_VERSION=2.13.0
STAMP="$VENV/.install-stamp"

# pip warns about every find-links/index folder that lacks a package; keep the log readable.
quiet_pip() { "$VENV/bin/pip" "$@" 2>&1 | { grep -v "is neither a file nor a directory" || true; }; return "${PIPESTATUS[0]}"; }

say() { printf '[install] %s\n' "$*"; }

install_system_packages() {
    local missing=()
    command -v ffmpeg >/dev/null || missing+=(ffmpeg)
    command -v espeak-ng >/dev/null || missing+=(espeak-ng)
    # The review app's browser tests drive Debian's Chromium through playwright (whose own
    # browser download needs the internet).
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        say "installing system packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        say "WARNING: missing ${missing[*]}; install them with your package manager"
    fi
}

has_nvidia_gpu() { command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; }

install_torch() {
    if has_nvidia_gpu; then
        say "NVIDIA GPU found: installing the CUDA build of torch $TORCH_VERSION"
        "$VENV/bin/pip" install -q "torch==$TORCH_VERSION"
    elif "$VENV/bin/pip" install -q "torch==$TORCH_VERSION+cpu" 2>/dev/null; then
        # The public index has no "+cpu" builds: this succeeds only where a local wheel
        # directory (pip's find-links) or a mirror provides one.
        say "no GPU: installed the CPU build of torch $TORCH_VERSION from configured sources"
    else
        say "no GPU: installing the CPU build of torch $TORCH_VERSION from the PyTorch CPU index"
        "$VENV/bin/pip" install -q "torch==$TORCH_VERSION+cpu" \
            --index-url https://download.pytorch.org/whl/cpu
    fi
}

# The registry's torchaudio 2.11 is a CUDA build whose C++ extension cannot load beside a
# CPU torch. torchaudio skips the extension when its libraries are absent, and the
# pure-Python parts pyannote.audio uses keep working, so remove them on CPU-only installs.
drop_cuda_torchaudio_extension() {
    local cuda
    cuda=$("$VENV/bin/python" -c 'import torch; print(torch.version.cuda or "")')
    [ -n "$cuda" ] && return 0
    local lib
    lib=$("$VENV/bin/python" -c 'import importlib.util, pathlib; print(pathlib.Path(importlib.util.find_spec("torchaudio").origin).parent / "lib")')
    if compgen -G "$lib/*.so" >/dev/null; then
        say "CPU torch: removing torchaudio's CUDA extension libraries from $lib"
        rm -f "$lib"/*.so
    fi
}

inputs_hash() { cat pyproject.toml constraints.txt scripts/install.sh | sha256sum | cut -d' ' -f1; }

main() {
    install_system_packages
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(inputs_hash)" ]; then
        say "up to date"
        return 0
    fi
    [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
    quiet_pip install -q --upgrade pip
    "$VENV/bin/python" -c "import torch" 2>/dev/null || install_torch
    # models: the pinned Whisper tiny.en the demo and the tests run offline.
    quiet_pip install -q -c constraints.txt -e ".[dev,models]"
    drop_cuda_torchaudio_extension
    "$VENV/bin/python" -c "import pyannote.audio, faster_whisper, prefect, sqlalchemy" \
        || { say "ERROR: installed packages do not import"; exit 1; }
    "$VENV/bin/python" -c "from pipeline.asr_model import bundled_model_folder; bundled_model_folder()" \
        || { say "ERROR: the bundled Whisper tiny.en is missing or not the pinned file"; exit 1; }
    inputs_hash >"$STAMP"
    say "done"
}

main "$@"
