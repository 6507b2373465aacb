#!/usr/bin/env bash
# Print the pip arguments that install PyTorch for this machine (used by `make install`; run it to see them).
#
#   no NVIDIA GPU (no working `nvidia-smi`): a CPU build, never a CUDA one (a CUDA build is several GB of
#     wheels that cannot be used here). The package index pip is configured with is asked first for
#     torch==<version>+cpu (a local index or wheel directory may hold it); otherwise PyTorch's CPU index.
#   NVIDIA GPU: PyPI's torch==<version>, which is the CUDA build on Linux.
#   macOS: PyPI's torch==<version> (CPU and Metal).
#
# Overrides: TORCH_VERSION (default 2.13.0), TORCH_DEVICE=cpu|cuda (skip the detection),
# TORCH_CPU_INDEX (default https://download.pytorch.org/whl/cpu), PIP (default "python3 -m pip").
set -euo pipefail

version="${TORCH_VERSION:-2.13.0}"
cpu_index="${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}"
pip_command="${PIP:-python3 -m pip}"
device="${TORCH_DEVICE:-}"

if [[ -z "$device" ]]; then
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
        device=cuda
    else
        device=cpu
    fi
fi

case "$device" in
cuda)
    echo "torch==${version}"
    ;;
cpu)
    if [[ "$(uname -s)" == "Darwin" ]]; then
        echo "torch==${version}"
    elif [[ "$($pip_command index versions torch 2>/dev/null || true)" == *"${version}+cpu"* ]]; then
        # The configured index already has the CPU build: no other index needed.
        echo "torch==${version}+cpu"
    else
        # Only the CPU index can satisfy a +cpu pin, so no CUDA wheel can be chosen; PyPI stays the index
        # for torch's own dependencies.
        echo "--extra-index-url ${cpu_index} torch==${version}+cpu"
    fi
    ;;
*)
    echo "error: TORCH_DEVICE must be cpu or cuda, not '${device}'" >&2
    exit 2
    ;;
esac
