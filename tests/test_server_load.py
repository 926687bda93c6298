"""The real `scholarsite serve` under abuse on loopback: it keeps answering, its memory stays
bounded, and it never serves a file outside the output directory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def tree_rss_kib(pid: int) -> int:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return rss_kib(pid) + sum(rss_kib(int(c)) for c in children if Path(f"/proc/{c}").exists())


def request(port: int, target: str, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def served(site_copy: Path, tmp_path: Path) -> Iterator[tuple[int, int]]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scholarsite",
            "serve",
            "--port",
            str(port),
            "--source",
            str(site_copy),
            "--output",
            str(tmp_path / "build"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if request(port, "/").split(b" ", 2)[1] == b"200":
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("scholarsite serve did not start")
    yield port, process.pid
    process.terminate()
    process.wait(timeout=30)


def test_abuse_leaves_the_server_answering_with_bounded_memory(
    served: tuple[int, int], tmp_path: Path
) -> None:
    port, pid = served
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-THE-OUTPUT")
    before = tree_rss_kib(pid)
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]  # slowloris
    targets = [
        "/papers/gpt-4o-system-card/index.html",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/" + "a" * 100_000,
        "/authors/",
    ]
    try:
        for _ in range(3):
            with ThreadPoolExecutor(max_workers=200) as pool:
                answers = list(
                    pool.map(lambda i: request(port, targets[i % len(targets)]), range(200))
                )
            assert all(a.startswith(b"HTTP/1.") for a in answers)
            assert not any(b"SECRET-OUTSIDE" in a for a in answers)
    finally:
        for sock in idle:
            sock.close()
    after = tree_rss_kib(pid)
    assert after - before < 60_000, f"memory grew by {(after - before) // 1024} MiB"
    assert b"GPT-4o System Card" in request(port, "/papers/gpt-4o-system-card/index.html")
    assert os.path.exists(f"/proc/{pid}")
