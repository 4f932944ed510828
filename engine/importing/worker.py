"""The import worker: each file is read and checked in a process apart from the server, held to a
memory and a time limit, so that no file can hurt the server.

A hostile or broken file can make a reader ask for hundreds of gigabytes (a workbook that declares
a sheet of 17 billion cells makes the Excel reader abort the whole process), inflate to gigabytes,
or never finish. In the worker, `RLIMIT_AS` turns such an allocation into a failure of the worker
only; a worker that runs past its time is killed; whatever happens, the caller gets a result or a
`WorkerFailed` naming the file and what to do. Results come back small: tables travel as files in
the import's temporary folder (Arrow IPC), not pickled.

The worker is a fresh interpreter (`python -m engine.importing.worker_entry`), never a fork: the server
holds DuckDB and polars threads, which a forked child would inherit mid-lock. It is started with
`subprocess` rather than multiprocessing's `spawn`/`forkserver`, because those run the parent's main
script again in the child — under Streamlit that is app.py, which would build the app (and open the
database) inside every worker. Starting an interpreter with polars costs about a second, so idle
workers are kept for the next file; one that grew past `_RECYCLE_MB` while working exits after
answering (its memory goes back to the system), and one that failed is never reused. The Import
page starts them as it opens (`warm_workers`), before the first upload arrives.
"""
from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from engine.importing.limits import ENV_OF, Limits
from engine.store.errors import TerrainError
from engine.store.space import out_of_space
from engine.importing.notes import Note

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_HEADER = struct.Struct("!Q")
_IDLE_MAX = 2  # workers kept waiting for the next file
_RECYCLE_MB = 1024  # a worker whose peak memory passed this leaves after its answer


class WorkerFailed(TerrainError):
    """The worker gave no result for `file_name`; `reason` says why (a sentence without the name)."""

    title = "The file could not be read safely"

    def __init__(self, file_name: str, reason: str, *, hint: str = "", key: str = "", **params) -> None:
        super().__init__(f"{file_name}: {reason}", hint=hint)
        self.file_name, self.reason = file_name, reason
        # the reason and the hint as one sentence the Import page says in the reader's language
        self.note = Note(key, **params) if key else None

    def sentence(self) -> str:
        """Reason and hint in one sentence (a Note when the failure has its words in the catalog)."""
        return self.note or f"{self.reason} {self.hint}".strip()


class _Died(Exception):
    pass


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        # What the worker says on stderr (a reader's last words before an abort) is kept for the message.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "engine.importing.worker_entry"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, cwd=_REPO, close_fds=True,
                                        env={**os.environ, "RUST_BACKTRACE": "0"})
        _send(self.process.stdin, (list(sys.path), memory_mb))

    def last_words(self) -> str:
        """The first line the worker wrote to stderr during its last task (cut to 160 characters)."""
        self.log.seek(0)
        lines = [line.strip() for line in self.log.read(1 << 16).decode("utf-8", "replace").splitlines()]
        return next((line[:160] for line in lines if line and not line.startswith(("warning", "Warning"))), "")

    def ask(self, function: Callable[..., Any], args: tuple, seconds: float) -> tuple[str, Any, bool]:
        """(status, payload, reusable) of one task; raises TimeoutError or _Died."""
        self.log.seek(0)
        self.log.truncate()
        try:
            _send(self.process.stdin, (function, args))
        except (BrokenPipeError, OSError):
            raise _Died from None
        return _receive(self.process.stdout, time.monotonic() + seconds)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.log):
            try:
                stream.close()
            except OSError:
                pass


_idle: list[_Worker] = []
_retiring: list[threading.Thread] = []  # stopping workers that answered (see _retire)
_lock = threading.Lock()


def _take(memory_mb: int) -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.memory_mb == memory_mb and worker.process.poll() is None:
                return worker
            worker.stop()
    return _Worker(memory_mb)


def _give_back(worker: _Worker) -> None:
    with _lock:
        if len(_idle) < _IDLE_MAX:
            _idle.append(worker)
            return
    worker.stop()


def _retire(worker: _Worker) -> None:
    """Stop a worker that answered but is not to be reused, in the background: the exit of one that
    held a 5M-deal table (2 GB to unmap) takes 0.1–0.6 s that the import need not wait for."""
    thread = threading.Thread(target=worker.stop, name="terrain-worker-exit", daemon=True)
    thread.start()
    with _lock:
        _retiring[:] = [t for t in _retiring if t.is_alive()] + [thread]


def warm_workers(limits: Limits, count: int = _IDLE_MAX, *, wait: bool = False) -> int:
    """Start idle workers for `limits` ahead of the files (the Import page does as it opens), so
    that the second an interpreter takes to import polars is not spent on the import; returns how
    many were started. With `wait` (a benchmark), each has answered once before this returns."""
    with _lock:
        for gone in [w for w in _idle if w.process.poll() is not None]:
            _idle.remove(gone)
            gone.stop()
        missing = max(min(count - sum(1 for w in _idle if w.memory_mb == limits.worker_memory_mb),
                          _IDLE_MAX - len(_idle)), 0)
        started = [_Worker(limits.worker_memory_mb) for _ in range(missing)]
        _idle.extend(started)
    for worker in started if wait else ():
        worker.ask(os.getpid, (), limits.worker_seconds)
    return missing


def stop_workers() -> None:
    """Stop the idle workers and wait for the retiring ones (a benchmark does, to count their CPU and
    memory; a server need not)."""
    with _lock:
        idle, retiring = list(_idle), list(_retiring)
        _idle.clear()
    for thread in retiring:
        thread.join()
    for worker in idle:
        worker.process.stdin.close()  # end of tasks: it leaves by itself
        worker.process.wait(30)
        worker.stop()


def run_in_worker(function: Callable[..., Any], args: tuple, *, file_name: str, limits: Limits) -> Any:
    """`function(*args)` (a module-level function) in a worker process within `limits`; its
    result, the TerrainError it raised, or WorkerFailed when it ran out of memory or time, crashed
    or was killed."""
    worker = _take(limits.worker_memory_mb)
    try:
        status, payload, reusable = worker.ask(function, args, limits.worker_seconds)
    except TimeoutError:
        worker.stop()
        raise WorkerFailed(
            file_name, f"reading and checking it took longer than {limits.worker_seconds:g} s, so it was "
            "stopped; nothing was imported.",
            hint=f"Split the file into smaller ones, or raise {ENV_OF['worker_seconds']}.",
            key="import.worker.timeout", seconds=f"{limits.worker_seconds:g}", env=ENV_OF["worker_seconds"]) from None
    except _Died:
        worker.process.wait()
        code, words = worker.process.returncode, worker.last_words()
        worker.stop()
        raise WorkerFailed(file_name, _death_message(code, limits, words), hint=_death_hint(code),
                           **_death_words(code, limits, words)) from None
    except BaseException:
        worker.stop()
        raise
    if reusable and status in ("ok", "error"):
        _give_back(worker)
    else:
        _retire(worker)
    if status == "ok":
        return payload
    if status == "error":
        raise payload
    if status == "space":
        raise WorkerFailed(file_name, "the temporary folder ran out of disk space while it was read and checked; "
                           "nothing was imported.",
                           hint="Free some space in the temporary folder (or point TMPDIR at a bigger disk) and "
                                "import it again.", key="import.worker.space")
    if status == "memory":
        raise WorkerFailed(file_name, f"reading it needs more than the {limits.worker_memory_mb:,} MB an "
                           "import may use; nothing was imported.",
                           hint=f"Split the file into smaller ones, or raise {ENV_OF['worker_memory_mb']}.",
                           key="import.worker.memory", mb=f"{limits.worker_memory_mb:,}", env=ENV_OF["worker_memory_mb"])
    raise WorkerFailed(file_name, f"could not be read ({payload}).",
                       hint="Open it in its program and save it again (as .xlsx or 'CSV UTF-8'), then import it again.",
                       key="import.worker.unreadable", error=payload)


def _send(stream, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream, deadline: float) -> Any:
    """One framed message from the worker before `deadline`."""
    descriptor = stream.fileno()
    header = _read_exactly(descriptor, _HEADER.size, deadline)
    return pickle.loads(_read_exactly(descriptor, _HEADER.unpack(header)[0], deadline))


def _read_exactly(descriptor: int, size: int, deadline: float) -> bytes:
    chunks, missing = [], size
    while missing:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready, _, _ = select.select([descriptor], [], [], remaining)
        if not ready:
            raise TimeoutError
        chunk = os.read(descriptor, min(missing, 1 << 20))
        if not chunk:
            raise _Died
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _signal_name(exitcode: int, words: str) -> str:
    """The signal that ended the reader, with its last words ('SIGKILL: out of memory')."""
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = f"signal {-exitcode}"
    return f"{name}: {words}" if words else name


def _death_message(exitcode: int | None, limits: Limits, words: str = "") -> str:
    if exitcode is not None and exitcode < 0:
        name = _signal_name(exitcode, words)
        if -exitcode in (signal.SIGABRT, signal.SIGKILL):
            return (f"the reader stopped ({name}), typically because the file asks for more than "
                    f"the {limits.worker_memory_mb:,} MB of memory an import may use; nothing was imported.")
        return f"the reader crashed ({name}); nothing was imported."
    return f"the reader stopped unexpectedly (exit code {exitcode}); nothing was imported."


def _death_words(exitcode: int | None, limits: Limits, words: str = "") -> dict:
    """The catalog key and values of _death_message + _death_hint (the Import page's sentence)."""
    if exitcode is not None and exitcode < 0:
        name = _signal_name(exitcode, words)
        if -exitcode in (signal.SIGABRT, signal.SIGKILL):
            return {"key": "import.worker.killed", "name": name, "mb": f"{limits.worker_memory_mb:,}",
                    "env": ENV_OF["worker_memory_mb"]}
        return {"key": "import.worker.crashed", "name": name}
    return {"key": "import.worker.exited", "code": exitcode}


def _death_hint(exitcode: int | None) -> str:
    if exitcode is not None and -exitcode in (signal.SIGABRT, signal.SIGKILL):
        return (f"Check that the file is what you meant to import (open it and save it again), split it, "
                f"or raise {ENV_OF['worker_memory_mb']}.")
    return "Open the file in its program and save it again (as .xlsx or 'CSV UTF-8'), then import it again."


def _answer(function: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    try:
        return ("ok", function(*args))
    except MemoryError:
        return ("memory", "")
    except TerrainError as error:
        return ("error", error)
    except Exception as error:  # noqa: BLE001 - the caller turns any failure into a message naming the file
        if out_of_space(error):  # the import's temporary folder is full (Python's or polars' own words)
            return ("space", "")
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return ("crash", f"{type(error).__name__}: {text}" if text else type(error).__name__)


def _peak_kib() -> int:
    """This worker's own peak resident memory (KiB). Not `ru_maxrss`: Linux carries that across
    exec from the parent, so a worker started by a 3 GB server would think itself spent at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _import_quietly(module: str) -> None:
    try:
        __import__(module)
    except Exception:  # noqa: BLE001 - the task that needs it reports the failure with its file's name
        pass


def main() -> None:
    """The worker's loop: limits first, then tasks from stdin, each answered on stdout."""
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the answers
    tasks = sys.stdin.buffer
    path, memory_mb = pickle.loads(tasks.read(_HEADER.unpack(tasks.read(_HEADER.size))[0]))
    sys.path[:] = path
    if memory_mb:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    # The hand-off's writer (handoff.py) is imported while the worker waits for its first file: the
    # 0.1 s it takes is then nobody's wait (a task that comes sooner waits on the import lock).
    threading.Thread(target=_import_quietly, args=("pyarrow.ipc",), daemon=True).start()
    while header := tasks.read(_HEADER.size):
        try:
            function, args = pickle.loads(tasks.read(_HEADER.unpack(header)[0]))
            status, payload = _answer(function, args)
        except Exception as error:  # noqa: BLE001 - a task that cannot be unpickled
            status, payload = "crash", f"{type(error).__name__} while receiving the task"
        reusable = _peak_kib() < _RECYCLE_MB * 1024
        try:
            _send(answers, (status, payload, reusable))
        except MemoryError:
            _send(answers, ("memory", "", False))
        except Exception as error:  # noqa: BLE001 - e.g. a result that cannot be pickled
            _send(answers, ("crash", f"{type(error).__name__} while returning the result", False))
        if not reusable or status not in ("ok", "error"):
            return
