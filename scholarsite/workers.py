"""Forked worker processes: when they are safe, and how many are worth starting; and work done
in a child process for the heap it leaves behind.

Workers are forked, not spawned, so they start at once with the parent's modules and data.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TypeVar

from scholarsite.errors import ScholarsiteError
from scholarsite.gcpause import collector_paused

T = TypeVar("T")
PIPE_BUFFER = 1 << 20


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process (the preview server runs threads)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worker_count(jobs: int | None, work: int, per_worker: int) -> int:
    """How many workers share ``work`` units when each should get at least ``per_worker``
    (``jobs``: the user's --jobs, default all cores); 1 means: do it in this process."""
    if not can_fork():
        return 1
    return max(1, min(jobs or os.cpu_count() or 1, work // per_worker))


def made_apart(task: str, make: Callable[[], T]) -> T:
    """``make()``, run in a forked child and sent back through a pipe as it is pickled
    (``task`` says what it does, for the message if the child dies).

    Making a large structure leaves a heap full of holes where what it took to make it was
    freed, and the objects kept are strewn among them. Rebuilt here from the pickle, they lie
    packed together: the process is smaller, and so is what each render worker forked later
    copies of it. An exception ``make`` raises is raised here (with the child's traceback as a
    note when it is not a :class:`ScholarsiteError`). Call it only when :func:`can_fork`."""
    sys.stdout.flush()  # or the child would write out what is buffered a second time
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        _send(make, write_end)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb", buffering=PIPE_BUFFER) as data, collector_paused():
            made, value = pickle.load(data)
    except (EOFError, pickle.UnpicklingError):  # the pickle ends early: the child died
        _, status = os.waitpid(child, 0)
        raise ScholarsiteError(
            f"the process {task} ended with no result ({_ending(status)})"
        ) from None
    except BaseException:
        os.kill(child, signal.SIGKILL)  # it may still be working, or blocked writing
        os.waitpid(child, 0)
        raise
    os.waitpid(child, 0)
    if not made:
        raise value
    return value  # type: ignore[no-any-return]


def _send(make: Callable[[], object], write_end: int) -> None:
    """In the child: pickle ``make()``'s result, or the exception it raised, into the pipe,
    then end without running the parent's clean-up code."""
    code = 0
    try:
        with os.fdopen(write_end, "wb", buffering=PIPE_BUFFER) as out:
            try:
                outcome: tuple[bool, object] = (True, make())
            except BaseException as error:  # every one is the parent's to raise
                outcome = (False, _portable(error))
            pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, KeyboardInterrupt):  # the parent stopped reading, or was interrupted
        code = 1
    except BaseException:  # the result could not be sent (it cannot be pickled): say why
        traceback.print_exc()
        sys.stderr.flush()
        code = 1
    finally:
        os._exit(code)


def _portable(error: BaseException) -> BaseException:
    """``error`` as it can cross the pipe, with where it happened when that is worth knowing."""
    if not isinstance(error, ScholarsiteError):
        error.add_note("".join(traceback.format_exception(error)).rstrip())
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # one that does not survive pickling is described
        described = RuntimeError(f"{type(error).__name__}: {error}")
        described.__notes__ = getattr(error, "__notes__", [])
        return described
    return error


def _ending(status: int) -> str:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        return "killed: if the system ran out of memory, build with fewer --jobs"
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
