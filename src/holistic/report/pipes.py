"""Forked helpers of the summarizer and the pipes they answer through.

`send`/`receive` frame one pickled message (a length, then the pickle) and carry an error raised on the other
side back to the receiver, which raises it. `fork_worker` starts a process answering through a one-way pipe
(read_pool.py's readers, group_files.py's second writer) and `stop_workers` ends them; `Exchange` is the
two-way pair of pipes of a large run split in two (display.py); `TaskPipe` hands out work to whichever of two
processes is free first (group_files.py).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
import traceback
from collections.abc import Callable
from typing import Any, BinaryIO, NoReturn

_LENGTH = struct.Struct("<Q")


def can_fork() -> bool:
    # Forking with other threads alive can deadlock the child on a lock one of them held.
    return hasattr(os, "fork") and threading.active_count() == 1


def send(out: BinaryIO, payload: Any) -> None:
    _send(out, (True, payload))


def send_error(out: BinaryIO, error: BaseException) -> None:
    """`error`, raised by the receiver (as a traceback in a RuntimeError if it cannot be pickled)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        error = RuntimeError("".join(traceback.format_exception(error)))
    _send(out, (False, error))


def receive(pipe: BinaryIO, sender: str) -> Any:
    """The next payload; the sender's error raised here; OSError when the sender ended without one."""
    header = pipe.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise OSError(f"{sender} ended without an answer (killed?)")
    ok, payload = pickle.loads(pipe.read(_LENGTH.unpack(header)[0]))
    if not ok:
        raise payload
    return payload


def _send(out: BinaryIO, message: tuple[bool, Any]) -> None:
    _write(out, _frame(message))


def _frame(message: tuple[bool, Any]) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _write(out: BinaryIO, frame: bytes) -> None:
    out.write(frame)
    out.flush()


def _write_quietly(out: BinaryIO, frame: bytes) -> None:
    with contextlib.suppress(OSError):  # the reader is gone; what it left behind (or its silence) says why
        _write(out, frame)


def fork_worker(body: Callable[[BinaryIO], None]) -> tuple[int, BinaryIO] | None:
    """A forked process running `body(out)`, `out` its pipe to this one: (its pid, the pipe's reading end), or
    None when no process can be forked (nothing is left open). The process ends as `serve` ends it."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare (EAGAIN, ENOMEM)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        os.close(read_end)
        out = open(write_end, "wb")  # noqa: SIM115 - the process ends with it open (every send flushes)
        serve(out, lambda: body(out))
    os.close(write_end)
    return pid, open(read_end, "rb")  # noqa: SIM115 - closed by stop_workers


def serve(out: BinaryIO, body: Callable[[], None]) -> NoReturn:
    """In a forked process: run `body`, send its error through `out` for the parent to raise, and end the
    process (never returning, nor running the parent's exit handlers or flushing its buffered output)."""
    code = 1
    try:
        try:
            body()
            code = 0
        except (BrokenPipeError, KeyboardInterrupt):
            pass  # the parent stopped reading, or Ctrl-C reached the whole process group
        except BaseException as error:  # the parent raises it, as a process pool would
            send_error(out, error)
    except BaseException:  # noqa: S110 - nothing left to tell the parent
        pass
    finally:
        os._exit(code)


def stop_workers(pipes: list[BinaryIO], pids: list[int], kill: bool) -> None:
    """Close the pipes from forked workers and wait for them; with `kill`, stop them first (their work is no
    longer wanted: an error or an interrupt on this side)."""
    for pipe in pipes:
        pipe.close()
    for pid in pids:
        if kill:
            os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)


_TASK = struct.Struct("<I")


class TaskPipe:
    """Task numbers 0 .. n-1, each handed out once, to whichever process (forked after this was made) asks
    first: they wait in a pipe whose writing end is closed, and each `take` reads one number. Reads of 4 bytes
    from a pipe are never split or interleaved, so no lock is needed."""

    MAX_TASKS = 16384
    """What a pipe holds before anyone reads (64 KiB): every number is written before any process reads."""

    def __init__(self, num_tasks: int):
        if not 0 <= num_tasks <= self.MAX_TASKS:
            raise ValueError(f"{num_tasks} tasks (at most {self.MAX_TASKS})")
        self._read, write = os.pipe()
        try:
            os.write(write, b"".join(_TASK.pack(i) for i in range(num_tasks)))
        finally:
            os.close(write)

    def take(self) -> int | None:
        """The next task's number; None when all are taken."""
        data = os.read(self._read, _TASK.size)
        return _TASK.unpack(data)[0] if data else None

    def close(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


class Exchange:
    """Two processes, each with one end of two pipes, passing messages both ways."""

    SENDER = "the process writing the instance pages"

    def __init__(self) -> None:
        self._to_child = os.pipe()
        self._to_parent = os.pipe()
        self.pid = 0
        self._in: BinaryIO | None = None
        self._out: BinaryIO | None = None

    def fork(self) -> bool:
        """True in the child; OSError (no process to spare) leaves nothing open."""
        try:
            self.pid = os.fork()
        except OSError:
            for fd in (*self._to_child, *self._to_parent):
                os.close(fd)
            raise
        child = self.pid == 0
        read_end, write_end = (
            (self._to_child[0], self._to_parent[1]) if child else (self._to_parent[0], self._to_child[1])
        )
        for fd in (*self._to_child, *self._to_parent):
            if fd not in (read_end, write_end):
                os.close(fd)
        self._in = open(read_end, "rb")  # noqa: SIM115 - closed by close()
        self._out = open(write_end, "wb")  # noqa: SIM115
        return child

    def send(self, payload: Any) -> None:
        assert self._out is not None
        send(self._out, payload)

    def serve(self, body: Callable[[], None]) -> NoReturn:
        """In the child: `serve` through this exchange (its error goes to the parent; the process ends)."""
        assert self._out is not None
        serve(self._out, body)

    def receive(self) -> Any:
        assert self._in is not None
        return receive(self._in, self.SENDER)

    def trade(self, payload: Any) -> Any:
        """Send `payload` and receive the other side's message at the same time: a thread writes while this one
        reads, so neither side waits for the other to read its message before reading the other's (both sides
        may call this together whatever the sizes)."""
        assert self._out is not None
        writer = threading.Thread(target=_write_quietly, args=(self._out, _frame((True, payload))))
        writer.start()
        try:
            return self.receive()
        finally:
            writer.join()

    def close(self) -> None:
        for f in (self._in, self._out):
            if f is not None:
                with contextlib.suppress(OSError):  # the other side is gone: nothing to flush to
                    f.close()
        self._in = self._out = None
        if self.pid:
            os.waitpid(self.pid, 0)
            self.pid = 0
