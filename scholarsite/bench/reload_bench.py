"""``python -m scholarsite.bench.reload_bench``: edit-to-reload time inside ``scholarsite serve``.

Starts the preview server on a copy of a site, listens on its live-reload event stream like a
browser tab showing a page the edit changes does, then repeatedly edits one input and times how
long after the write the ``reload`` event arrives (the server sends it once that page is in
place: the pages open in a tab are rendered first) and how long until that rebuild is done (the
other pages, then the search index, publishing files and export follow). Prints the median and
spread over the repeats, for the shipped site (a curated title edit; the tab shows the list of
papers) and for a synthetic corpus of ``--size`` papers (``SYNTHETIC_EDITS``: a word of an
abstract in one dump, the tab on that paper's page; a paper's title in one dump, the tab on its
first author's page; papers added to a dump and taken out again; the surname of a paper's first
author in one dump, the tab on the paper's page; the text of a Markdown page, the tab on that
page; the title a curation fix gives a paper, the tab on its first author's page).
"""

from __future__ import annotations

import argparse
import json
import re
import select
import shutil
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scholarsite.bench.synth import write_corpus
from scholarsite.build import BuildOptions, read_site
from scholarsite.curation import CURATION_NAME
from scholarsite.livereload import EVENTS_PATH
from scholarsite.model import Paper
from scholarsite.preview import make_build_function
from scholarsite.server import PreviewServer
from scholarsite.theme import find_theme

ROOT = Path(__file__).resolve().parent.parent.parent


def _events(port: int, page: str) -> tuple[Callable[[float], str | None], socket.socket]:
    """A reader of the event stream of a tab showing ``page`` (a URL path): the next event's
    name, or None when ``timeout`` passes; and the stream's socket, to close."""
    sock = socket.create_connection(("127.0.0.1", port))
    target = f"{EVENTS_PATH}?page={quote(page)}"
    sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
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

    return next_event, sock


def _drain(next_event: Callable[[float], str | None], quiet: float) -> None:
    """Let any rebuild still under way finish, so the next edit is timed on its own."""
    while next_event(quiet) is not None:
        pass


Edit = Callable[[int], None]


def measure(source: Path, edit: Callable[[Path], tuple[Edit, str]], repeats: int) -> Times:
    """Seconds from each edit to the ``reload`` event of a tab showing the page ``edit`` names,
    and to the end of that rebuild. ``edit`` is given the output of the first build."""
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
    stream = None
    try:
        while server.builds == 0:  # the first, full build
            time.sleep(0.05)
        change, page = edit(output)
        next_event, stream = _events(port, page)
        assert next_event(30) == "hello"
        _drain(next_event, quiet=1.0)
        reloads, completes = [], []
        for attempt in range(repeats):
            builds = server.builds
            started = time.perf_counter()
            change(attempt)
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
        if stream is not None:
            stream.close()
        server.stop()


def shipped_site(workdir: Path) -> Path:
    source = workdir / "shipped" / "site_src"
    shutil.copytree(ROOT / "site_src", source)
    return source


def edit_curated_title(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    curation = source / "curation.yaml"
    text = curation.read_text(encoding="utf-8")

    def edit(attempt: int) -> None:
        new = text.replace("Learn2Hop: Learned", f"Learn2Hop ({attempt}): Learned")
        curation.write_text(new, encoding="utf-8")

    return lambda output: (edit, "/papers/")


def edit_one_abstract(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    """A word of the abstract of a paper that only one record has, a different word each time;
    the tab shows that paper."""

    def choose(output: Path) -> tuple[Edit, str]:
        for paper in _papers(output):
            if len(paper["sources"]) != 1 or " the " not in paper["abstract"]:
                continue
            dump = source / paper["sources"][0]["file"]
            text = dump.read_text(encoding="utf-8")
            if text.count(paper["abstract"]) == 1:
                break
        else:
            raise RuntimeError("no abstract of one record only, with a 'the' to edit")
        abstract = paper["abstract"]

        def edit(attempt: int) -> None:
            word = ("these", "thee")[attempt % 2]
            new = abstract.replace(" the ", f" {word} ", 1)
            dump.write_text(text.replace(abstract, new), encoding="utf-8")

        return edit, "/" + paper["url"]

    return choose


def edit_one_title(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    """A word of a title that only one dump has (so the edit shows), a different word each time:
    the paper's page moves, and its authors' pages and the lists change. The tab shows the
    paper's first author."""
    title, dump, text = _title_in_one_dump(source)

    def edit(attempt: int) -> None:
        new = title.replace(" ", (" Revised ", " Revisited ")[attempt % 2], 1)
        dump.write_text(text.replace(title, new), encoding="utf-8")

    def choose(output: Path) -> tuple[Edit, str]:
        paper = next(p for p in _papers(output) if p["title"] == title)
        return edit, f"/authors/{paper['authors'][0]}/"

    return choose


def edit_one_author(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    """The surname of a paper's first author, in the only record of that paper, a different
    spelling each time: a new person, and the last spelling's person gone. The tab shows the
    paper."""

    def choose(output: Path) -> tuple[Edit, str]:
        names = {person["id"]: person["name"] for person in _corpus(output)["authors"]}
        for paper in _corpus(output)["papers"]:
            if len(paper["sources"]) != 1 or not paper["title"] or not paper["authors"]:
                continue
            dump = source / paper["sources"][0]["file"]
            text = dump.read_text(encoding="utf-8")
            surname = (names[paper["authors"][0]] or "").split()[-1:]
            title_at = text.find(paper["title"])
            abstract_at = text.find(paper["abstract"][:60], title_at)
            at = text.find(surname[0], title_at) if surname and title_at >= 0 else -1
            if 0 <= at < abstract_at:  # in the record's author list
                break
        else:
            raise RuntimeError("no paper of one record whose first author's surname to edit")

        def edit(attempt: int) -> None:
            spelling = surname[0] + ("e", "i")[attempt % 2]
            dump.write_text(text[:at] + spelling + text[at + len(surname[0]) :], "utf-8")

        return edit, "/" + paper["url"]

    return choose


def edit_new_paper(source: Path, papers: int = 1) -> Callable[[Path], tuple[Edit, str]]:
    """A new paper in a titled dump, put before one of its papers (title, authors and abstract
    lines, the title and abstract new), then taken out again, in turn: the papers after it
    move down or up a few lines. With two papers, the second goes after that paper, in the
    same save. The tab shows the first author of the paper they copy."""
    title, dump, text = _title_in_one_dump(source)

    def edit(attempt: int) -> None:
        if attempt % 2:
            dump.write_text(text, encoding="utf-8")
            return
        lines = text.splitlines(keepends=True)
        at = next(n for n, line in enumerate(lines) if line.rstrip("\n") == title)
        for n in reversed(range(papers)):  # the later place first: the earlier stays put
            words = (("Notes", "We revisit"), ("More notes", "We return to"))[n]
            new = [
                f"{words[0]} on {title}\n",
                lines[at + 1],
                f"{words[1]} {lines[at + 2].lstrip()}",
            ]
            lines[at + 3 * n : at + 3 * n] = new
        dump.write_text("".join(lines), encoding="utf-8")

    def choose(output: Path) -> tuple[Edit, str]:
        paper = next(p for p in _papers(output) if p["title"] == title)
        return edit, f"/authors/{paper['authors'][0]}/"

    return choose


def edit_two_new_papers(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    return edit_new_paper(source, papers=2)


def edit_one_curated_title(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    """A title a curation fix gives (written now, matched by the paper's arXiv id), a different
    word each time: as a title edited in a dump, the paper's page moves and its authors' pages
    and the lists change. The tab shows the paper's first author."""
    paper = next(filter(_curatable, read_site(source).corpus.papers))
    title = paper.title or ""
    curation = source / CURATION_NAME

    def write(title: str) -> None:
        fix = f'papers:\n  - match: {{arxiv: "{paper.arxiv}"}}\n    title: "Curated {title}"\n'
        curation.write_text(fix, encoding="utf-8")

    def edit(attempt: int) -> None:
        write(title.replace(" ", (" Revised ", " Revisited ")[attempt % 2], 1))

    write(title)
    return lambda output: (edit, f"/authors/{paper.authors[0]}/")


def edit_page_text(source: Path) -> Callable[[Path], tuple[Edit, str]]:
    """A sentence of a Markdown page in the navigation (written before the first build): only
    that page shows it."""
    page = source / "pages" / "notes.md"
    page.parent.mkdir(exist_ok=True)
    page.write_text("# Notes\n\nThe first version.\n", encoding="utf-8")

    def edit(attempt: int) -> None:
        page.write_text(f"# Notes\n\nVersion {attempt + 2}.\n", encoding="utf-8")

    return lambda output: (edit, "/notes/")


def _curatable(paper: Paper) -> bool:
    """Titled (in words a YAML string can quote as they are), with an arXiv id and authors, and
    not a repeat's id (``-2``: a new title would renumber the others)."""
    title, quoted = paper.title or "", re.compile(r'["\\]')
    plain = bool(title) and not quoted.search(title) and not re.search(r"-[0-9]+$", paper.id)
    return plain and bool(paper.arxiv and paper.authors)


def _title_in_one_dump(source: Path) -> tuple[str, Path, str]:
    """A title of the query set that only one dump has, on a line of its own: the title, the
    dump and its text."""
    dumps = {path: path.read_text(encoding="utf-8") for path in (source / "corpus").iterdir()}
    queries = json.loads((source.parent / "queries.json").read_text(encoding="utf-8"))
    for title in (q["q"] for q in queries if q["kind"] == "title"):
        holding = [path for path, text in dumps.items() if f"\n{title}\n" in text]
        if len(holding) == 1 and sum(title in text for text in dumps.values()) == 1:
            return title, holding[0], dumps[holding[0]]
    raise RuntimeError("no title of the query set is in exactly one dump")


def _corpus(output: Path) -> dict[str, Any]:
    corpus: dict[str, Any] = json.loads((output / "corpus.json").read_text(encoding="utf-8"))
    return corpus


def _papers(output: Path) -> list[dict[str, Any]]:
    papers: list[dict[str, Any]] = _corpus(output)["papers"]
    return papers


Times = tuple[list[float], list[float]]


def report(label: str, times: Times) -> None:
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
            for what, edit in SYNTHETIC_EDITS:
                report(f"{args.size} papers, {what}", measure(source, edit(source), args.repeats))


# The edits measured on the synthetic corpus, in the order they run, with their labels.
SYNTHETIC_EDITS = (
    ("a word in one dump", edit_one_abstract),
    ("a title in one dump", edit_one_title),
    ("a paper in or out", edit_new_paper),
    ("two papers in one save", edit_two_new_papers),
    ("an author in one dump", edit_one_author),
    ("the text of a Markdown page", edit_page_text),
    ("a title a curation fix gives", edit_one_curated_title),  # last: it writes a curation
)

if __name__ == "__main__":
    main()
