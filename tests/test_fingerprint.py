"""The input digest: it changes with any file's bytes, and a file is read again only when its
modification time or size changed, or when it was written too recently to trust them."""

from __future__ import annotations

import os
import time
from hashlib import sha256
from pathlib import Path

import pytest

from scholarsite.fingerprint import SETTLED_NS, content_hash, input_digest


def settled(path: Path) -> int:
    """Give ``path`` a modification time well in the past; return it."""
    past = time.time_ns() - 10 * SETTLED_NS
    os.utime(path, ns=(past, past))
    return past


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    reads: list[Path] = []
    read_bytes = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return reads


def test_the_digest_follows_every_byte_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("two", encoding="utf-8")
    first = input_digest([tmp_path], "x")
    assert input_digest([tmp_path], "x") == first
    assert input_digest([tmp_path], "y") != first
    (tmp_path / "sub" / "b.txt").write_text("twO", encoding="utf-8")
    edited = input_digest([tmp_path], "x")
    assert edited != first
    (tmp_path / "sub" / "b.txt").rename(tmp_path / "sub" / "c.txt")  # the same bytes
    assert input_digest([tmp_path], "x") != edited


def test_a_settled_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("settled text", encoding="utf-8")
    settled(path)
    reads = count_reads(monkeypatch)
    assert content_hash(path) == content_hash(path)
    assert reads == [path]


def test_a_file_written_just_now_is_read_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("first", encoding="utf-8")
    now = path.stat().st_mtime_ns
    before = content_hash(path)
    path.write_text("secnd", encoding="utf-8")  # the same size, in the same clock tick
    os.utime(path, ns=(now, now))
    reads = count_reads(monkeypatch)
    assert content_hash(path) != before
    assert reads == [path]


def test_a_changed_size_or_time_reads_a_settled_file_again(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("aaaaa", encoding="utf-8")
    when = settled(path)
    assert content_hash(path) == sha256(b"aaaaa").digest()
    path.write_text("bbbbb", encoding="utf-8")  # the same size, another time
    os.utime(path, ns=(when + 1, when + 1))
    assert content_hash(path) == sha256(b"bbbbb").digest()
    path.write_text("cc", encoding="utf-8")  # the same time, another size
    os.utime(path, ns=(when + 1, when + 1))
    assert content_hash(path) == sha256(b"cc").digest()
