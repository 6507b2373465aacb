"""Runs one model-written program in isolation (executed as a script by `sandbox.py`; standard library only).

Usage: `python -I -S sandbox_launcher.py JOB_DIR`, or `... --serve` to run the job directories named on
stdin, one per line (a warm launcher per worker, see `serve`). JOB_DIR holds `config.json`, `program.py` and `stdin`; the
launcher writes `result.json` there. The program's stdout and stderr are the launcher's own (files the host
opened), so the file-size limit bounds them.

With namespaces (Linux): the launcher enters new mount, network and PID namespaces (and a user namespace
when not root), forks the namespace's first process, which mounts a private /tmp, a fresh /proc, remounts
every other mount read-only, runs as uid 65534 without capabilities, sets the resource limits and executes
the program. The launcher kills it at the wall-clock timeout; killing a PID namespace's first process kills
every process in it. Each step that fails is recorded in result.json as a missing protection.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import resource
import signal
import stat
import sys
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE = 1024, 2048, 4096, 16384, 1 << 18
MS_RELATIME, MS_STRICTATIME = 1 << 21, 1 << 24
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
# Flags a bind remount must keep, or the kernel refuses it (they are locked on inherited mounts).
KEPT_FLAGS = {
    "nosuid": MS_NOSUID,
    "nodev": MS_NODEV,
    "noexec": MS_NOEXEC,
    "noatime": MS_NOATIME,
    "nodiratime": MS_NODIRATIME,
    "relatime": MS_RELATIME,
    "strictatime": MS_STRICTATIME,
}
NOBODY = 65534
WORK_DIR = "/tmp/work"
EXIT_SETUP_FAILED = 125

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    def enc(value: str | None):
        return value.encode() if value is not None else None

    _check(
        _libc.mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
        f"mount {target}",
    )


def _write(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _mount_points() -> list[tuple[str, str]]:
    """(mount point, per-mount options) from /proc/self/mountinfo."""
    points = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")  # octal escapes such as \040
            points.append((point, fields[5]))
    return points


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _remount_read_only(missing: list[str]) -> None:
    failed = []
    for point, options in _mount_points():
        if _under(point, "/tmp") or _under(point, "/proc"):
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY
        for option in options.split(","):
            flags |= KEPT_FLAGS.get(option, 0)
        try:
            _mount(None, point, None, flags)
        except OSError:
            failed.append(point)
    if "/" in failed:
        missing.append("read-only file system")
    elif failed:
        missing.append(f"read-only file system ({len(failed)} mounts stay writable: {', '.join(failed[:3])})")


def _world_searchable(path: str) -> bool:
    return bool(os.stat(path).st_mode & stat.S_IXOTH)


def _expose_interpreter(prefix: str) -> None:
    """Make the interpreter's installation reachable for uid 65534 when it sits under a private directory.

    A tmpfs replaces the topmost directory others cannot enter (`/root` for a pyenv install), holding only
    the installation, bind-mounted at its usual path: the rest of that directory stays hidden.
    """
    parts = prefix.strip("/").split("/")
    private = None
    for i in range(1, len(parts)):
        ancestor = "/" + "/".join(parts[:i])
        if not _world_searchable(ancestor):
            private = ancestor
            break
    if private is None:
        return
    staging = "/tmp/.interpreter"
    os.mkdir(staging)
    _mount(prefix, staging, None, MS_BIND | MS_REC)
    _mount("tmpfs", private, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=1m")
    os.makedirs(prefix, exist_ok=True)
    _mount(staging, prefix, None, MS_BIND | MS_REC)
    _check(_libc.umount2(staging.encode(), MNT_DETACH), "umount staging")
    os.rmdir(staging)


def _map_ids(inside: int, uid: int, gid: int) -> None:
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{inside} {uid} 1")
    _write("/proc/self/gid_map", f"{inside} {gid} 1")


def _set_limits(config: dict) -> None:
    timeout = float(config["timeout"])
    memory = int(config["memory_mb"]) << 20
    file_size = int(config["file_size_mb"]) << 20
    cpu = math.ceil(timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = int(config["max_processes"])
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _child(
    config: dict,
    job_dir: str,
    program: bytes,
    stdin_fd: int,
    isolated: bool,
    missing: list[str],
    report_fd: int,
) -> None:
    """The program's process: finish the isolation, drop privileges, set limits and exec. Never returns.

    What is missing goes to `report_fd` just before the exec (the pipe closes on exec)."""
    uid = os.getuid()
    if isolated:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        _mount(
            "tmpfs",
            "/tmp",
            "tmpfs",
            MS_NOSUID | MS_NODEV,
            f"mode=1777,size={int(config['file_size_mb']) * 4}m",
        )
        # /run holds the host's service sockets (D-Bus, container runtimes): hidden behind an empty tmpfs.
        if os.path.isdir("/run") and not os.path.islink("/run"):
            try:
                _mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755,size=64k")
            except OSError:
                missing.append("hidden /run")
        if uid == 0:
            _expose_interpreter(config["prefix"])
        try:
            _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        except OSError:
            missing.append("private /proc")
        _remount_read_only(missing)
        work = WORK_DIR
        os.mkdir(work, 0o777)
        os.chmod(work, 0o777)
    else:
        os.setsid()
        os.chmod(job_dir, 0o711)  # the program may run as uid 65534
        work = os.path.join(job_dir, "work")
        os.mkdir(work, 0o777)
        os.chmod(work, 0o777)
    with open(os.path.join(work, "program.py"), "wb") as f:
        f.write(program)
    if uid == 0:
        if isolated or config["interpreter_public"]:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            if isolated:
                # A user namespace of its own makes the process limit count this sandbox's processes only.
                try:
                    _libc_unshare(CLONE_NEWUSER)
                    _map_ids(NOBODY, NOBODY, NOBODY)
                except OSError:
                    pass
        else:
            missing.append("unprivileged user (the interpreter is private to root)")
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    _set_limits(config)
    os.chdir(work)
    os.dup2(stdin_fd, 0)
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": work, "TMPDIR": work}
    executable = config["executable"]
    os.write(report_fd, json.dumps({"missing": missing}).encode() + b"\n")
    os.execve(executable, [executable, "-I", "program.py"], environment)


def _libc_unshare(flags: int) -> None:
    _check(_libc.unshare(flags), "unshare")


def _enter_namespaces(missing: list[str]) -> bool:
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID
    try:
        if uid == 0:
            _libc_unshare(flags)
        else:
            _libc_unshare(flags | CLONE_NEWUSER)
            # Inside, the program is uid 65534; it keeps no capability once it executes.
            _map_ids(NOBODY, uid, gid)
        return True
    except OSError as e:
        missing.append(f"namespaces ({e.strerror}): network, private /tmp and /proc, read-only file system")
        return False


def run_job(job_dir: str) -> None:
    """Run the job in `job_dir` and write its result.json; the caller's stdout and stderr are the program's."""
    with open(os.path.join(job_dir, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(job_dir, "program.py"), "rb") as f:
        program = f.read()
    stdin_fd = os.open(os.path.join(job_dir, "stdin"), os.O_RDONLY)
    # Opened now: a private /tmp will hide the job directory from this process too.
    result_file = open(os.path.join(job_dir, "result.json"), "w")  # noqa: SIM115 - closed after the wait
    missing: list[str] = []
    isolated = bool(config["namespaces"]) and _enter_namespaces(missing)
    if not config["namespaces"]:
        missing.append("namespaces (turned off): network, private /tmp and /proc, read-only file system")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _child(config, job_dir, program, stdin_fd, isolated, missing, write_end)
        except BaseException as e:  # noqa: BLE001 - report any setup failure to the host, then die
            error = {"setup_error": f"{type(e).__name__}: {e}", "missing": missing}
            os.write(write_end, json.dumps(error).encode() + b"\n")
        os._exit(EXIT_SETUP_FAILED)
    os.close(write_end)
    timed_out = False

    def on_timeout(signum, frame) -> None:
        nonlocal timed_out
        timed_out = True
        _kill(pid, isolated)

    signal.signal(signal.SIGALRM, on_timeout)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, float(config["timeout"]))
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.monotonic() - start
    _kill(pid, isolated)  # leftovers of the program (no-op inside a PID namespace, which died with it)
    report: dict = {"missing": missing}
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    for line in data.splitlines():  # one JSON object per line; a later one (a setup error) wins
        report.update(json.loads(line))  # the child's list of missing protections starts from the launcher's
    report.update(
        {
            "returncode": os.waitstatus_to_exitcode(status),
            "timed_out": timed_out,
            "elapsed": elapsed,
        }
    )
    with result_file:
        json.dump(report, result_file)


def serve() -> None:
    """Run the jobs named on stdin, one per line, one at a time; answer each with a line on stdout.

    A warm launcher saves the interpreter start of one launcher per program. Each job runs in a forked
    process (namespaces are entered per job); its stdout and stderr go to the job's files.
    """
    for line in sys.stdin:
        job_dir = line.rstrip("\n")
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                for fd, name in ((1, "stdout"), (2, "stderr")):
                    target = os.open(os.path.join(job_dir, name), os.O_WRONLY | os.O_TRUNC)
                    os.dup2(target, fd)
                    os.close(target)
                run_job(job_dir)
                status = 0
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(f"{os.waitstatus_to_exitcode(status)}\n")
        sys.stdout.flush()


def main() -> int:
    if sys.argv[1] == "--serve":
        serve()
    else:
        run_job(sys.argv[1])
    return 0


def _kill(pid: int, isolated: bool) -> None:
    try:
        if isolated:
            os.kill(pid, signal.SIGKILL)
        else:
            os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__":
    sys.exit(main())
