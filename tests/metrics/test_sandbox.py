"""The sandbox for model-written code: hostile programs end as failed test cases and leave the host untouched.

Timeouts are short and the process limit is checked before the fork bomb runs, so these stay fast and safe
on a shared 2-core machine.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from holistic.errors import SandboxError
from holistic.metrics import sandbox as sandbox_module
from holistic.metrics.sandbox import Sandbox, SandboxLimits

LIMITS = SandboxLimits(timeout=2.0, memory_mb=512, max_processes=16)


def namespaces_work() -> bool:
    try:
        command = ["unshare", "--user", "--map-root-user", "--net", "--pid", "--mount", "--fork", "true"]
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_namespaces = pytest.mark.skipif(not namespaces_work(), reason="Linux namespaces are not available")


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(LIMITS, num_threads=2)


def program_processes() -> list[int]:
    """Host processes running a sandboxed program (its command line names program.py)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"program.py" in cmdline:
                pids.append(int(entry.name))
    return pids


def test_a_correct_program_passes_and_sees_a_clean_environment(sandbox, monkeypatch):
    monkeypatch.setenv("HOLISTIC_TEST_SECRET", "visible-only-to-the-host")
    result = sandbox.run(
        "import os, sys\nprint(sorted(os.environ))\nprint(sys.stdin.read().upper())", "hello"
    )
    assert result.passed, result
    environment_names, echoed = result.stdout.splitlines()[:2]
    assert echoed == "HELLO"
    assert "HOLISTIC_TEST_SECRET" not in environment_names
    assert set(eval(environment_names)) <= {"PATH", "LANG", "HOME", "TMPDIR"}


def test_failing_and_broken_programs_fail(sandbox):
    assert not sandbox.run("assert 1 + 1 == 3").passed
    assert not sandbox.run("def broken(:\n    pass").passed
    assert sandbox.run("raise SystemExit(0)").passed


def test_reading_an_environment_variable_holding_a_key_fails(sandbox, monkeypatch):
    key = f"sk-fake-{uuid.uuid4().hex}"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    # Also look for it in the host process's environment through /proc.
    program = (
        "import os\n"
        f"found = os.environ.get('OPENAI_API_KEY') == {key!r}\n"
        "try:\n"
        f"    found = found or {key!r}.encode() in open('/proc/{os.getpid()}/environ', 'rb').read()\n"
        "except OSError:\n"
        "    pass\n"
        "assert found\n"
    )
    result = sandbox.run(program)
    assert not result.passed
    assert key not in result.stdout


def test_an_infinite_loop_is_killed_at_the_timeout(sandbox):
    result = sandbox.run("while True:\n    pass")
    assert result.timed_out and not result.passed
    assert program_processes() == []


def test_a_10_gb_allocation_fails(sandbox):
    result = sandbox.run("data = bytearray(10 * 1024 ** 3)\nprint(len(data))")
    assert not result.passed
    assert "MemoryError" in result.stderr


LIMIT_CHECK = (
    # Children sleep so that they count; the parent reports its limit and how many forks succeeded.
    "import os, resource, time\n"
    "print(resource.getrlimit(resource.RLIMIT_NPROC)[0])\n"
    "children = 0\n"
    "try:\n"
    "    for _ in range(200):\n"
    "        if os.fork() == 0:\n"
    "            time.sleep(1)\n"
    "            os._exit(0)\n"
    "        children += 1\n"
    "except OSError:\n"
    "    pass\n"
    "print(children)\n"
)


def test_a_fork_bomb_is_contained(sandbox):
    # First make sure the process limit really applies here; only then run the bomb.
    check = sandbox.run(LIMIT_CHECK)
    assert check.returncode == 0, check
    limit, children = (int(line) for line in check.stdout.split())
    assert limit == LIMITS.max_processes
    assert children < LIMITS.max_processes, "the process limit does not hold: not running the fork bomb"
    result = sandbox.run("import os\nwhile True:\n    os.fork()")
    assert not result.passed
    assert program_processes() == []


def test_a_program_cannot_write_outside_its_directory(sandbox, tmp_path):
    # Outside /tmp (read-only view) and inside it (private /tmp); the program checks that it worked.
    targets = [Path("/var/tmp", f"holistic-planted-{uuid.uuid4().hex}"), tmp_path / "planted"]
    commands = " && ".join(f"touch {t}" for t in targets)
    program = f"import os\nassert os.system({commands!r}) == 0\n"
    program += "".join(f"assert os.path.exists({str(t)!r})\n" for t in targets)
    try:
        result = sandbox.run(program)
        assert not result.passed
        assert not any(t.exists() for t in targets)
    finally:
        for target in targets:
            target.unlink(missing_ok=True)


def test_a_program_may_write_in_its_working_directory(sandbox):
    result = sandbox.run("open('notes.txt', 'w').write('ok')\nprint(open('notes.txt').read())")
    assert result.passed and result.stdout.strip() == "ok"


@needs_namespaces
def test_a_socket_connection_to_the_host_fails(sandbox):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        server.settimeout(0.5)
        program = (
            "import socket\n"
            f"connection = socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
            "connection.sendall(b'leak')\n"
        )
        result = sandbox.run(program)
        assert not result.passed
        with pytest.raises(TimeoutError):
            server.accept()


@needs_namespaces
def test_every_protection_applies_where_namespaces_work(sandbox):
    program = "import os\nprint(os.getuid(), os.getpid(), len(os.listdir('/proc')))"
    result = sandbox.run(program)
    assert result.passed and result.missing_protections == ()
    uid, pid, _ = (int(x) for x in result.stdout.split())
    assert uid == 65534  # unprivileged
    assert pid == 1  # its own PID namespace


def test_without_namespaces_the_missing_protections_are_said_once(monkeypatch, caplog):
    monkeypatch.setenv(sandbox_module.NAMESPACES_ENVIRONMENT_VARIABLE, "0")
    monkeypatch.setattr(sandbox_module, "_warned", False)
    plain = Sandbox(LIMITS)
    with caplog.at_level(logging.WARNING, logger="holistic.metrics.sandbox"):
        first = plain.run("print(1)")
        plain.run("print(2)")
    assert first.passed
    assert any("namespaces" in m for m in first.missing_protections)
    warnings = [r for r in caplog.records if "lacks" in r.getMessage()]
    assert len(warnings) == 1
    # The limits still hold without namespaces.
    assert plain.run("while True:\n    pass").timed_out
    assert not plain.run("data = bytearray(10 * 1024 ** 3)").passed


def test_programs_run_in_parallel_in_order(sandbox):
    jobs = [(f"print({i} * {i})", "") for i in range(12)]
    results = sandbox.run_all(jobs)
    assert [int(r.stdout) for r in results] == [i * i for i in range(12)]


def test_a_sandbox_that_cannot_start_programs_is_an_error_not_a_score_of_zero():
    broken = Sandbox(LIMITS)
    broken._config["executable"] = "/nonexistent/python3"
    with pytest.raises(SandboxError, match="cannot run model-written code"):
        broken.run("print(1)")


@needs_namespaces
@pytest.mark.skipif(
    os.getuid() != 0 or not shutil.which("setpriv") or not Path("/usr/bin/python3").exists(),
    reason="needs root (to start the launcher as another user), setpriv and /usr/bin/python3",
)
def test_the_launcher_isolates_as_well_when_started_by_an_ordinary_user():
    """The user-namespace path (holistic not running as root), on this machine's uid 1000."""
    job = Path(tempfile.mkdtemp(prefix="holistic-sandbox-user-"))
    try:
        job.chmod(0o777)
        config = {**Sandbox(LIMITS)._config, "executable": "/usr/bin/python3", "prefix": "/usr"}
        (job / "config.json").write_text(json.dumps(config))
        (job / "stdin").write_text("")
        (job / "program.py").write_text(
            "import os, socket\n"
            "print(os.getuid(), os.getpid())\n"
            "try:\n"
            "    open('/var/tmp/holistic-user-planted', 'w')\n"
            "except OSError as e:\n"
            "    print(e.errno)\n"
            "try:\n"
            "    socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
            "except OSError as e:\n"
            "    print(e.errno)\n"
        )
        for path in job.iterdir():
            path.chmod(0o666)
        command = [
            "setpriv",
            "--reuid=1000",
            "--regid=1000",
            "--clear-groups",
            "/usr/bin/python3",
            "-I",
            "-S",
        ]
        completed = subprocess.run(
            [*command, str(sandbox_module.LAUNCHER), str(job)], capture_output=True, text=True, timeout=30
        )
        report = json.loads((job / "result.json").read_text())
        assert report["returncode"] == 0 and report["missing"] == [], (
            report,
            completed.stdout,
            completed.stderr,
        )
        uid, pid, read_only, unreachable = completed.stdout.split()
        assert (uid, pid) == ("65534", "1")
        assert read_only == str(errno.EROFS)
        assert unreachable == str(errno.ENETUNREACH)
        assert not Path("/var/tmp/holistic-user-planted").exists()
    finally:
        shutil.rmtree(job, ignore_errors=True)
