"""The collector pause used around the model, the search index and the export, the settled
heap of the preview server, and freed memory handed back after reading the dumps."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

import pytest

from scholarsite.gcpause import collector_paused, return_free_memory, settle_heap


def test_the_collector_is_off_inside_and_restored_after_even_on_errors() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("inside")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_a_settled_heap_is_frozen_and_the_next_settle_frees_cycles_dropped_since() -> None:
    node = Node()
    gone = weakref.ref(node)
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert gone() is not None  # frozen: out of the collector's sight
        settle_heap()
        assert gone() is None
    finally:
        gc.unfreeze()


def resident_mib() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def test_memory_freed_in_bulk_goes_back_to_the_system() -> None:
    blocks = [b"x" * 4000 + bytes([i % 256]) for i in range(50_000)]  # 200 MB, as parsed text
    kept = b"y" * 4000  # made last: the freed blocks lie below it, where the heap cannot shrink
    full = resident_mib()
    del blocks
    return_free_memory()
    assert full - resident_mib() > 150
    assert kept
