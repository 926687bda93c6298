"""What the benchmarks do about this kind of machine's filesystem between timed runs."""

from __future__ import annotations

import os
import time

SETTLE_SECONDS = 65.0


def settle(seconds: float = SETTLE_SECONDS) -> None:
    """Let the filesystem forget recent deletions before the next timed run: ext4 without a
    journal skips inodes freed in the last minute or more when it allocates new ones, so creating
    files right after deleting many costs far more system time than usual."""
    os.sync()
    time.sleep(seconds)
