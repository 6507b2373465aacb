"""A sandbox for model-written programs: one isolated subprocess per program, many in parallel.

HELM executes model-written code inside its own process (with a timeout). Here every program runs in its own
subprocess (`sandbox_launcher.py`) with a wall-clock timeout; CPU-time, memory, file-size and process-count
limits; a temporary working directory; a clean environment (no credentials); and, where Linux allows
(user, mount, network and PID namespaces): no network, a private /tmp and /proc, a read-only view of the
rest of the file system and an unprivileged user. Missing protections are logged once per process.
See docs/sandbox.md for what is and is not isolated.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from holistic.errors import SandboxError

log = logging.getLogger(__name__)

LAUNCHER = Path(__file__).with_name("sandbox_launcher.py")
OUTPUT_LIMIT = 1 << 20  # bytes of stdout kept for comparison (APPS); the rest is cut
NAMESPACES_ENVIRONMENT_VARIABLE = "HOLISTIC_SANDBOX_NAMESPACES"  # "0" turns the namespaces off


@dataclass(frozen=True)
class SandboxLimits:
    timeout: float = 3.0
    """Wall-clock seconds per program (CPU seconds: this rounded up, plus one)."""

    memory_mb: int = 1024
    """Address-space limit."""

    file_size_mb: int = 16
    """Largest file (and stdout) the program may write; its private /tmp holds four times this."""

    max_processes: int = 8
    """Processes (and threads) the program may have at once: the fork-bomb guard. With `memory_mb` it bounds
    what one program can take: max_processes x memory_mb."""


@dataclass(frozen=True)
class ProgramResult:
    returncode: int | None
    """Exit status (negative: killed by that signal); None when the sandbox could not start the program."""

    timed_out: bool
    """Killed at the wall-clock timeout."""

    stdout: str
    """What the program printed (at most OUTPUT_LIMIT bytes)."""

    stderr: str
    """The end of its error output."""

    missing_protections: tuple[str, ...] = ()
    """Protections this run could not apply."""

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def _interpreter() -> tuple[str, str]:
    """The base interpreter (programs get the standard library, not the virtual environment) and its prefix."""
    executable = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    return executable, os.path.realpath(sys.base_prefix)


def _public(path: str) -> bool:
    """Whether others (uid 65534) can reach and execute `path`."""
    parts = Path(path).parts
    return all(os.stat(Path(*parts[:i])).st_mode & 0o001 for i in range(2, len(parts) + 1))


_warned_lock = threading.Lock()
_warned = False


def _warn_missing(missing: Sequence[str]) -> None:
    global _warned
    with _warned_lock:
        if _warned or not missing:
            return
        _warned = True
    log.warning("sandbox for model-written code lacks: %s (see docs/sandbox.md)", "; ".join(missing))


class _WarmLauncher:
    """A `sandbox_launcher.py --serve` process: runs one job directory at a time, saving a start per program."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(LAUNCHER), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
            start_new_session=True,
            text=True,
        )

    def run(self, job_dir: str, timeout: float) -> int | None:
        """The job process's exit status, or None when the launcher died or did not answer in time."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(job_dir + "\n")
            self.process.stdin.flush()
        except OSError:
            return None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        return int(line) if line.strip() else None

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def close(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()  # the launcher ends at the end of its input
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()


def _close_all(launchers: list[_WarmLauncher]) -> None:
    while launchers:
        launchers.pop().close()


class Sandbox:
    def __init__(self, limits: SandboxLimits | None = None, num_threads: int = 1) -> None:
        self.limits = limits or SandboxLimits()
        self.num_threads = max(1, num_threads)
        executable, prefix = _interpreter()
        self._config = {
            "timeout": self.limits.timeout,
            "memory_mb": self.limits.memory_mb,
            "file_size_mb": self.limits.file_size_mb,
            "max_processes": self.limits.max_processes,
            "executable": executable,
            "prefix": prefix,
            "interpreter_public": _public(executable) and _public(prefix),
            "namespaces": sys.platform == "linux" and os.environ.get(NAMESPACES_ENVIRONMENT_VARIABLE) != "0",
        }
        self._lock = threading.Lock()
        self._idle: list[_WarmLauncher] = []
        weakref.finalize(self, _close_all, self._idle)

    def run(self, program: str, stdin: str = "") -> ProgramResult:
        with tempfile.TemporaryDirectory(prefix="holistic-sandbox-") as job:
            job_dir = Path(job)
            (job_dir / "config.json").write_text(json.dumps(self._config))
            (job_dir / "program.py").write_text(program, encoding="utf-8")
            (job_dir / "stdin").write_text(stdin, encoding="utf-8")
            for name in ("stdout", "stderr"):
                (job_dir / name).touch()
            launcher = self._acquire()
            # The launcher enforces the timeout; this only guards against a stuck launcher.
            status = launcher.run(job, self.limits.timeout + 30)
            if status is None:
                log.warning("a sandbox launcher did not answer within %.0f s; counting the program as failed",
                            self.limits.timeout + 30)  # fmt: skip
                launcher.kill()
                return ProgramResult(None, True, "", "sandbox launcher did not answer")
            self._release(launcher)
            with open(job_dir / "stdout", "rb") as out:
                stdout = out.read(OUTPUT_LIMIT).decode("utf-8", errors="replace")
            with open(job_dir / "stderr", "rb") as err:
                err.seek(max(0, err.seek(0, os.SEEK_END) - 4096))
                stderr = err.read().decode("utf-8", errors="replace")
            result_path = job_dir / "result.json"
            report = (
                json.loads(result_path.read_text())
                if result_path.exists() and result_path.stat().st_size
                else {}
            )
            # A program running as uid 65534 may leave files the host cannot delete without a chmod.
            _make_removable(job_dir)
        if not report:
            raise SandboxError(
                f"cannot run model-written code: the sandbox launcher failed ({status}): {stderr[-300:]}"
            )
        missing = tuple(report.get("missing", ()))
        _warn_missing(missing)
        if "setup_error" in report:
            # Not the program's fault (it never started): scoring it 0 would hide a broken setup.
            raise SandboxError(
                f"cannot run model-written code: the sandbox failed to start a program ({report['setup_error']}; "
                f"{NAMESPACES_ENVIRONMENT_VARIABLE}=0 runs without namespaces, see docs/sandbox.md)"
            )
        return ProgramResult(report["returncode"], report["timed_out"], stdout, stderr, missing)

    def _acquire(self) -> _WarmLauncher:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _WarmLauncher()

    def _release(self, launcher: _WarmLauncher) -> None:
        with self._lock:
            self._idle.append(launcher)

    def close(self) -> None:
        """Stop the warm launchers (they also stop by themselves when this process ends)."""
        _close_all(self._idle)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def run_all(
        self, jobs: Sequence[tuple[str, str]], description: str = "running programs"
    ) -> list[ProgramResult]:
        """Run (program, stdin) pairs on `num_threads` workers; results in the jobs' order."""
        if not jobs:
            return []
        from holistic.progress import progress_bar

        disable = len(jobs) < 2 or not sys.stderr.isatty()
        with progress_bar(
            total=len(jobs), desc=description, unit="program", leave=False, disable=disable
        ) as bar:

            def run_one(job: tuple[str, str]) -> ProgramResult:
                result = self.run(*job)
                bar.update(1)
                return result

            if self.num_threads == 1 or len(jobs) == 1:
                return [run_one(job) for job in jobs]
            with ThreadPoolExecutor(max_workers=min(self.num_threads, len(jobs))) as pool:
                return list(pool.map(run_one, jobs))


def _make_removable(job_dir: Path) -> None:
    work = job_dir / "work"
    if work.exists():
        for path in [work, *work.rglob("*")]:
            try:
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o700)
            except OSError:
                pass
        shutil.rmtree(work, ignore_errors=True)
