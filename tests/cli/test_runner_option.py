"""`--runner ray`: a one-line error without the ray extra; replica sizing from deployments and the cluster."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
# `sys.modules["ray"] = None` makes `import ray` fail as it does where the extra is not installed.
WITHOUT_RAY = (
    "import sys; sys.modules['ray'] = None; from holistic.cli.{cli} import entry_point; entry_point()"
)


def cli_without_ray(cli: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = [sys.executable, "-c", WITHOUT_RAY.format(cli=cli), *args, "-o", str(tmp_path / "out")]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)


@pytest.mark.parametrize("cli", ["run", "present"])
def test_runner_ray_without_the_extra_is_a_one_line_error(cli, tmp_path):
    conf = tmp_path / "c.conf"
    conf.write_text('entries: [{description: "mmlu:subject=philosophy,model=simple/model1", priority: 1}]')
    selection = (
        ["--run-specs", "mmlu:subject=philosophy,model=simple/model1"]
        if cli == "run"
        else ["--conf", str(conf)]
    )
    result = cli_without_ray(cli, tmp_path, *selection, "--suite", "s", "--runner", "ray")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "error: --runner ray needs the ray extra (pip install 'holistic[ray]')"
    assert not (tmp_path / "out").exists()


def test_ray_address_needs_the_ray_runner(tmp_path):
    result = cli_without_ray(
        "run", tmp_path, "--run-specs", "mmlu:subject=philosophy,model=simple/model1", "--suite", "s",
        "--ray-address", "auto",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --ray-address needs --runner ray (or leave it out)"


def test_replicas_follow_the_deployment_or_fill_the_cluster():
    pytest.importorskip("ray")
    from holistic.execution.ray_replicas import replica_spec
    from holistic.models.deployments import deployment_from_dict

    bundled = "huggingface/smollm2-135m-instruct"
    plain = deployment_from_dict({"name": bundled}, "test")
    sized = deployment_from_dict({"name": bundled, "replicas": 3, "num_cpus": 2}, "test")
    on_cpu = deployment_from_dict({"name": bundled, "device": "cpu"}, "test")
    # Given: three replicas of two CPUs each, whatever the cluster.
    assert (replica_spec(sized, {"CPU": 64}, 1).replicas, replica_spec(sized, {"CPU": 64}, 1).num_cpus) == (
        3,
        2,
    )
    # Else one replica per GPU, shared between the suite's local models; CPU-only clusters: one per core.
    assert replica_spec(plain, {"CPU": 32, "GPU": 8}, 2).replicas == 4
    assert replica_spec(plain, {"CPU": 32, "GPU": 8}, 2).num_gpus == 1
    assert replica_spec(on_cpu, {"CPU": 32, "GPU": 8}, 1).num_gpus == 0
    assert replica_spec(plain, {"CPU": 6}, 1).replicas == 6
    assert replica_spec(plain, {"CPU": 1}, 3).replicas == 1


def test_an_unreachable_ray_address_is_a_one_line_error(tmp_path, capsys):
    pytest.importorskip("ray")
    from holistic.cli.run import main

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = main(
        ["--run-specs", "mmlu:subject=philosophy,model=simple/model1", "--suite", "s", "-o", str(tmp_path / "o"),
         "--local-path", str(tmp_path / "p"), "--runner", "ray", "--ray-address", f"127.0.0.1:{port}"]
    )  # fmt: skip
    assert code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith(f"error: cannot reach Ray at 127.0.0.1:{port}: "), error
    assert "Connection refused" in error


def test_a_replica_larger_than_the_cluster_is_a_config_error():
    pytest.importorskip("ray")
    from holistic.errors import ConfigError
    from holistic.execution.ray_replicas import replica_spec
    from holistic.models.deployments import deployment_from_dict

    wants_gpu = deployment_from_dict({"name": "huggingface/smollm2-135m-instruct", "num_gpus": 1}, "test")
    with pytest.raises(ConfigError, match="needs 1 GPU but the Ray cluster has 0"):
        replica_spec(wants_gpu, {"CPU": 4}, 1)
