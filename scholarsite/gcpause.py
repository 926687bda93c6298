"""Keeping Python's cyclic garbage collector from scanning large data for nothing: paused around
steps that only build acyclic data, and kept off the state a long-running process holds; and
handing memory freed in bulk back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block with the cyclic collector off, then restore it as it was.

    For steps that make millions of small objects and no reference cycles (the model, the search
    index, the export): the collector would otherwise rescan the whole heap many times over,
    finding nothing. Memory is still freed by reference counting as usual."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def settle_heap() -> None:
    """For a process that keeps a large state from one run to the next (the preview server,
    between rebuilds): free what is garbage, then move every object still alive out of the
    collector's sight, so the next rebuild's collections scan only the objects it makes instead
    of the whole model each time. Thawing first lets this collection free the reference cycles
    the last call froze and the rebuild since dropped (an old template environment)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def return_free_memory() -> None:
    """Give the system back the memory the C allocator keeps free after a step that freed much
    of what it made (reading the dumps: their text and records go once the model is built), so
    the render workers forked next do not start from a heap full of holes. A no-op where the C
    library has no ``malloc_trim`` (it is glibc's)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
    except OSError:
        return None
    trim: Callable[[int], int] | None = getattr(libc, "malloc_trim", None)
    return trim
