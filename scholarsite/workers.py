"""Forked worker processes: when they are safe, and how many are worth starting.

Workers are forked, not spawned, so they start at once with the parent's modules and data.
"""

from __future__ import annotations

import multiprocessing
import os
import threading


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process (the preview server runs threads)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worker_count(jobs: int | None, work: int, per_worker: int) -> int:
    """How many workers share ``work`` units when each should get at least ``per_worker``
    (``jobs``: the user's --jobs, default all cores); 1 means: do it in this process."""
    if not can_fork():
        return 1
    return max(1, min(jobs or os.cpu_count() or 1, work // per_worker))
