"""scripts/torch_requirement.sh: the pip arguments `make install` uses for torch (CPU build without a GPU)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "torch_requirement.sh"
PIP = f"{sys.executable} -m pip"


def requirement(tmp_path: Path, env: dict[str, str], path_first: Path | None = None) -> list[str]:
    full = {**os.environ, "PIP": PIP, **env}
    if path_first is not None:
        full["PATH"] = f"{path_first}{os.pathsep}{full['PATH']}"
    return subprocess.run(
        ["bash", str(SCRIPT)], env=full, capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()


def stock_index(tmp_path: Path) -> dict[str, str]:
    """pip as on a machine whose index has no +cpu wheels: no config files, no local wheels, an empty index."""
    (tmp_path / "empty-index").mkdir(exist_ok=True)
    return {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_FIND_LINKS": "",
        "PIP_INDEX_URL": (tmp_path / "empty-index").as_uri(),
    }


def fake_nvidia_smi(tmp_path: Path, works: bool) -> Path:
    bin_dir = tmp_path / ("gpu-bin" if works else "broken-gpu-bin")
    bin_dir.mkdir()
    tool = bin_dir / "nvidia-smi"
    tool.write_text("#!/bin/sh\n" + ("echo 'GPU 0: NVIDIA H200'\n" if works else "exit 9\n"))
    tool.chmod(0o755)
    return bin_dir


def test_without_a_gpu_a_stock_machine_gets_the_cpu_index(tmp_path):
    args = requirement(tmp_path, stock_index(tmp_path))
    assert args == ["--extra-index-url", "https://download.pytorch.org/whl/cpu", "torch==2.13.0+cpu"]


def test_a_driverless_nvidia_smi_is_no_gpu(tmp_path):
    args = requirement(tmp_path, stock_index(tmp_path), fake_nvidia_smi(tmp_path, works=False))
    assert args[-1] == "torch==2.13.0+cpu"


def test_a_local_index_with_the_cpu_wheel_is_used_as_it_is(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    # pip lists versions from file names; the wheel is never installed here.
    (wheels / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"")
    env = {**stock_index(tmp_path), "PIP_FIND_LINKS": str(wheels)}
    assert requirement(tmp_path, env) == ["torch==2.13.0+cpu"]


def test_a_gpu_machine_gets_pypis_cuda_build(tmp_path):
    assert requirement(tmp_path, stock_index(tmp_path), fake_nvidia_smi(tmp_path, works=True)) == [
        "torch==2.13.0"
    ]


def test_overrides(tmp_path):
    assert requirement(tmp_path, {"TORCH_DEVICE": "cuda", "TORCH_VERSION": "2.12.1"}) == ["torch==2.12.1"]
    env = {**stock_index(tmp_path), "TORCH_DEVICE": "cpu"}
    assert requirement(tmp_path, env, fake_nvidia_smi(tmp_path, works=True))[-1] == "torch==2.13.0+cpu"
    bad = subprocess.run(
        ["bash", str(SCRIPT)], env={**os.environ, "TORCH_DEVICE": "rocm"}, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: TORCH_DEVICE must be cpu or cuda")
