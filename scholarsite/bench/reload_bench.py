"""``python -m scholarsite.bench.reload_bench``: edit-to-reload time inside ``scholarsite serve``.

Starts the preview server on a copy of a site, listens on its live-reload event stream like a
browser tab does, then repeatedly edits one input and times how long after the write the
``reload`` event arrives (the server sends it once the rebuilt pages are in place) and how long
until that rebuild is done (the search index, publishing files and export follow the reload).
Prints the median and spread over the repeats, for the shipped site (a curated title edit) and
for a synthetic corpus of ``--size`` papers (a word of an abstract in one dump, then a paper's
title in one dump).
"""

from __future__ import annotations

import argparse
import json
import select
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scholarsite.bench.synth import write_corpus
from scholarsite.build import BuildOptions
from scholarsite.preview import make_build_function
from scholarsite.server import EVENTS_PATH, PreviewServer
from scholarsite.theme import find_theme

ROOT = Path(__file__).resolve().parent.parent.parent


def _events(port: int) -> Callable[[float], str | None]:
    """A reader of the event stream: the next event's name, or None when ``timeout`` passes."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    buffer = b""

    def next_event(timeout: float) -> str | None:
        nonlocal buffer
        deadline = time.monotonic() + timeout
        while b"\n\n" not in buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([sock], [], [], left)[0]:
                return None
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk.replace(b"\r\n", b"\n")
        block, buffer = buffer.split(b"\n\n", 1)
        for line in block.decode().splitlines():
            if line.startswith("event:"):
                return line.split(":", 1)[1].strip()
        return next_event(max(0.0, deadline - time.monotonic()))

    return next_event


def _drain(next_event: Callable[[float], str | None], quiet: float) -> None:
    """Let any rebuild still under way finish, so the next edit is timed on its own."""
    while next_event(quiet) is not None:
        pass


def measure(
    source: Path, edit: Callable[[int], None], repeats: int
) -> tuple[list[float], list[float]]:
    """Seconds from each edit to the ``reload`` event, and to the end of that rebuild (the
    search index, publishing files and export are made after the reload)."""
    output = source.parent / "build"
    theme = find_theme(source)
    server = PreviewServer(
        make_build_function(BuildOptions(source, output), theme),
        output,
        [source, theme.templates, theme.static],
        port=0,
        log=lambda _line: None,
    )
    port = server.start()
    try:
        next_event = _events(port)
        assert next_event(30) == "hello"
        while server.builds == 0:  # the first, full build
            time.sleep(0.05)
        _drain(next_event, quiet=1.0)
        reloads, completes = [], []
        for attempt in range(repeats):
            builds = server.builds
            started = time.perf_counter()
            edit(attempt)
            while (name := next_event(300)) != "reload":
                if name in ("error", None):
                    raise RuntimeError(f"the rebuild failed or timed out ({name})")
            reloads.append(time.perf_counter() - started)
            while server.builds == builds:
                time.sleep(0.005)
            completes.append(time.perf_counter() - started)
            _drain(next_event, quiet=max(1.0, 0.5 * completes[-1]))
        return reloads, completes
    finally:
        server.stop()


def shipped_site(workdir: Path) -> Path:
    source = workdir / "shipped" / "site_src"
    shutil.copytree(ROOT / "site_src", source)
    return source


def edit_curated_title(source: Path) -> Callable[[int], None]:
    curation = source / "curation.yaml"
    text = curation.read_text(encoding="utf-8")

    def edit(attempt: int) -> None:
        new = text.replace("Learn2Hop: Learned", f"Learn2Hop ({attempt}): Learned")
        curation.write_text(new, encoding="utf-8")

    return edit


def edit_one_dump(source: Path) -> Callable[[int], None]:
    """A word of an abstract in the middle dump, a different word each time."""
    dump = sorted((source / "corpus").iterdir())[len(list((source / "corpus").iterdir())) // 2]
    text = dump.read_text(encoding="utf-8")

    def edit(attempt: int) -> None:
        word = ("these", "thee")[attempt % 2]
        dump.write_text(text.replace(" the ", f" {word} ", 1), encoding="utf-8")

    return edit


def edit_one_title(source: Path) -> Callable[[int], None]:
    """A word of a title that only one dump has (so the edit shows), a different word each time:
    the paper's page moves, and its authors' pages and the lists change."""
    dumps = {path: path.read_text(encoding="utf-8") for path in (source / "corpus").iterdir()}
    queries = json.loads((source.parent / "queries.json").read_text(encoding="utf-8"))
    for title in (q["q"] for q in queries if q["kind"] == "title"):
        holding = [path for path, text in dumps.items() if title in text]
        if len(holding) == 1:
            dump, text = holding[0], dumps[holding[0]]
            break
    else:
        raise RuntimeError("no title of the query set is in exactly one dump")

    def edit(attempt: int) -> None:
        new = title.replace(" ", (" Revised ", " Revisited ")[attempt % 2], 1)
        dump.write_text(text.replace(title, new), encoding="utf-8")

    return edit


def report(label: str, times: tuple[list[float], list[float]]) -> None:
    for what, seconds in zip(("reload", "rebuild done"), times, strict=True):
        print(
            f"{label:<34} {what:<13} median {statistics.median(seconds) * 1000:7.0f} ms   "
            f"min {min(seconds) * 1000:6.0f} ms   max {max(seconds) * 1000:6.0f} ms   "
            f"(n={len(seconds)})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="synthetic papers (0: skip)")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scholarsite-reload-") as tmp:
        workdir = Path(tmp)
        source = shipped_site(workdir)
        report(
            "shipped site, curated title edit",
            measure(source, edit_curated_title(source), args.repeats),
        )
        if args.size:
            write_corpus(workdir / "synth", args.size)
            source = workdir / "synth" / "site_src"
            report(
                f"{args.size} papers, a word in one dump",
                measure(source, edit_one_dump(source), args.repeats),
            )
            report(
                f"{args.size} papers, a title in one dump",
                measure(source, edit_one_title(source), args.repeats),
            )


if __name__ == "__main__":
    main()
