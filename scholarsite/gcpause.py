"""Pausing Python's cyclic garbage collector around steps that only build acyclic data."""

from __future__ import annotations

import gc
from collections.abc import Iterator
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
