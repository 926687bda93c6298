"""Which source changes make the preview server rebuild, and how they are batched."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from scholarsite.watch import ChangeQueue, is_editor_temp_name, is_ignored_change

WAIT = 10.0  # generous: the machine is shared, and a late answer is not a wrong one


@pytest.mark.parametrize(
    "name", [".page.md.swp", "page.md~", "4913", ".#page.md", "x.tmp", "#page.md#", ".DS_Store"]
)
def test_editor_temp_names(name: str):
    assert is_editor_temp_name(name)


@pytest.mark.parametrize("name", ["page.md", "style.css", "49130", "#tag", "notes.txt"])
def test_ordinary_names_are_not_temp(name: str):
    assert not is_editor_temp_name(name)


def test_ignored_changes(tmp_path: Path):
    out = tmp_path / "build"
    extra = tmp_path / "cache"
    assert is_ignored_change(out / "index.html", out)
    assert is_ignored_change(tmp_path / "build.tmp-123" / "index.html", out)
    assert is_ignored_change(tmp_path / ".build-new" / "x.html", out)
    assert is_ignored_change(extra / "x", out, [extra])
    assert is_ignored_change(tmp_path / "site_src" / ".git" / "HEAD", out)
    assert not is_ignored_change(tmp_path / "site_src" / "page.md", out)
    assert not is_ignored_change(tmp_path / "builder" / "page.md", out)


def test_change_queue_waits_for_quiet_then_hands_out_the_union(tmp_path: Path):
    changes = ChangeQueue(quiet=0.2, max_wait=5.0)
    batches: list[frozenset[Path] | None] = []
    taker = threading.Thread(target=lambda: batches.append(changes.next_batch()))
    taker.start()
    for number in range(5):
        changes.add([tmp_path / f"{number % 2}.md"])
        time.sleep(0.02)
    taker.join(WAIT)
    assert batches == [frozenset({tmp_path / "0.md", tmp_path / "1.md"})]
    changes.close()
    assert changes.next_batch() is None


def test_change_queue_releases_a_never_quiet_stream_at_max_wait(tmp_path: Path):
    changes = ChangeQueue(quiet=10.0, max_wait=0.2)
    changes.add([tmp_path / "a"])
    assert changes.next_batch() == frozenset({tmp_path / "a"})
