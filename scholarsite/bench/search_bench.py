"""Search benchmark: scholarsite's client-side search against Pagefind on the same built site.

``python -m scholarsite.bench.search_bench --sizes 1000,10000`` writes a synthetic corpus per
size (``scholarsite/bench/synth.py``, with its query set and the page each query should find),
builds it with ``scholarsite build``, indexes the same output with Pagefind (``pagefind`` from
PyPI), serves it on 127.0.0.1 with gzip like a static host, and measures both in headless
Chromium: bytes transferred for the first query on a fresh page (every search response: JS,
WebAssembly, index, results), first and warm query latency, MRR@10 and hit@1. Warm queries are
timed twice: on a page Playwright drives, and on a page a plain headless Chromium opens with
no driver attached (Playwright's network instrumentation costs the page time on every request,
which readers never pay).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import mimetypes
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Request, sync_playwright

from scholarsite.bench.filesystem import settle
from scholarsite.bench.synth import write_corpus
from scholarsite.build import read_site, search_docs
from scholarsite.errors import ScholarsiteError
from scholarsite.search import build_search_index
from scholarsite.search.shards import INDEX_DIR
from scholarsite.theme import find_theme

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGEFIND_VERSION = "1.5.2"
TOP = 10
READING_PAUSE_MS = 300  # a reader looks at a fresh page at least this long before typing

OURS_QUERY = """async q => {
  const t0 = performance.now();
  const found = await scholarsiteSearch.search(q, 10);
  return {ms: performance.now() - t0, urls: found.results.map(r => r.url)};
}"""
OURS_TYPED = """q => new Promise(resolve => {
  const input = document.querySelector('[data-search-box] input');
  input.focus();
  const t0 = performance.now();
  document.addEventListener('search:rendered', () => resolve(performance.now() - t0), {once: true});
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
})"""
PAGEFIND_IMPORT = """async root => { window.pf = await import(root + 'pagefind/pagefind.js'); }"""
PAGEFIND_QUERY = """async q => {
  const t0 = performance.now();
  const found = await window.pf.search(q);
  const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
  return {ms: performance.now() - t0, urls: data.map(d => d.url)};
}"""


@dataclass(frozen=True)
class Query:
    q: str
    kind: str
    expect: str


UNATTACHED_PAGE = "__bench-later.html"
UNATTACHED_RESULT = "__bench-later.json"
UNATTACHED_SCRIPT = """const prepare = %(prepare)s, query = %(query)s, queries = %(queries)s;
addEventListener("load", () => setTimeout(async () => {
  if (prepare) await prepare(new URL("./", location.href).href);
  await query(queries[0]);
  const ms = [];
  for (const q of queries) ms.push((await query(q)).ms);
  await fetch("%(result)s", {method: "POST", body: JSON.stringify(ms)});
}, %(pause)d));"""


@dataclass
class EngineRun:
    name: str
    first_bytes: list[int] = field(default_factory=list)
    first_ms: list[float] = field(default_factory=list)
    first_kinds: list[str] = field(default_factory=list)
    typed_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    unattached_ms: list[float] = field(default_factory=list)
    ranks: dict[str, list[int | None]] = field(default_factory=dict)
    files: int = 0
    index_seconds: float = 0.0


@dataclass(frozen=True)
class Engine:
    name: str
    is_search_file: Callable[[str], bool]
    prepare: str | None  # JS run on a fresh page before the clock starts
    query: str
    head: str = ""  # what a page needs to load the engine's client itself


OURS = Engine(
    "scholarsite",
    lambda path: "/search/idx/" in path or "/static/search." in path,
    None,
    OURS_QUERY,
    '<script src="static/search.js"></script>',
)
PAGEFIND = Engine("pagefind", lambda path: "/pagefind/" in path, PAGEFIND_IMPORT, PAGEFIND_QUERY)


# --------------------------------------------------------------------------- serving


class GzipHandler(BaseHTTPRequestHandler):
    """Static files, gzip-encoded when that is smaller (as GitHub Pages and most hosts do)."""

    protocol_version = "HTTP/1.1"  # keep-alive, like a real host
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (40 ms)
    root: Path
    cache: dict[Path, tuple[bytes, bytes]]

    def do_GET(self) -> None:
        path = self.resolve(unquote(urlsplit(self.path).path))
        if path is None:
            self.send_error(404)
            return
        raw, packed = self.load(path)
        use_gzip = "gzip" in self.headers.get("Accept-Encoding", "") and len(packed) < len(raw)
        body = packed if use_gzip else raw
        self.send_response(200)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """The timings a page without a driver reports (:func:`later_without_driver`)."""
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if urlsplit(self.path).path != "/" + UNATTACHED_RESULT:
            self.send_error(404)
            return
        (self.root / UNATTACHED_RESULT).write_bytes(body)
        self.send_response(204)
        self.end_headers()

    def resolve(self, url_path: str) -> Path | None:
        path = (self.root / url_path.lstrip("/")).resolve()
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or not path.is_relative_to(self.root):
            return None
        return path

    def load(self, path: Path) -> tuple[bytes, bytes]:
        if path not in self.cache:
            raw = path.read_bytes()
            self.cache[path] = (raw, gzip.compress(raw, compresslevel=6, mtime=0))
        return self.cache[path]

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the benchmark prints its own table."""


def serve_forever(root: Path) -> None:
    """Serve ``root`` on a free loopback port; print the port, then serve until killed."""
    handler = type("Handler", (GzipHandler,), {"root": root.resolve(), "cache": {}})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """The server in its own process, so it never waits on the browser driver's thread."""
    command = [sys.executable, "-m", "scholarsite.bench.search_bench", "--serve", str(root)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait()
        if server.stdout:
            server.stdout.close()


# --------------------------------------------------------------------------- building


def run(command: Sequence[str]) -> float:
    return run_output(command)[0]


def run_output(command: Sequence[str]) -> tuple[float, str]:
    """Wall seconds and standard output of a command that must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ScholarsiteError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, done.stdout


def stage_cpu(timings: str, stage: str) -> float:
    """The CPU seconds of one stage in the table ``scholarsite build --timings`` prints."""
    for line in timings.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == stage:
            return float(fields[2])
    raise ScholarsiteError(f"no {stage!r} stage in the build's timings:\n{timings}")


def prepare_site(workdir: Path, size: int, reuse: bool = False) -> tuple[Path, float | None]:
    """The synthetic corpus of ``size`` papers, built; returns the output and build seconds.

    With ``reuse``, a site an earlier run built is kept (``None`` seconds): only its search
    index and client are rewritten, by :func:`index_seconds`."""
    corpus = workdir / f"corpus-{size}"
    if not (corpus / "queries.json").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        write_corpus(corpus, size)
    output = workdir / f"site-{size}"
    kept = reuse and (output / "index.html").is_file()
    earlier = output / "pagefind" if kept else output  # what an earlier run of this bench left
    if earlier.exists():  # removed first, and then given time, so that no timed run pays for it
        shutil.rmtree(earlier)
        settle()
    if kept:
        return output, None
    source = corpus / "site_src"
    seconds = run([sys.executable, "-m", "scholarsite", "build", "--source", str(source),
                   "--output", str(output)])  # fmt: skip
    return output, seconds


# The build command, with the search index (and the documents it is made from) left out.
INDEXLESS_BUILD = (
    "import sys, scholarsite.build as b; b.search_docs = lambda *given: []; "
    "b.search_index_files = lambda *given: iter(()); from scholarsite.cli import main; "
    "sys.exit(main(sys.argv[1:]))"
)


Pair = tuple[float, float]  # one round: (without the index, with it)


@dataclass(frozen=True)
class IndexCost:
    """Rounds of two cold builds, one without the search index and one with it: the wall, CPU
    and user CPU seconds (workers included) of each, and ``own``, the CPU seconds of the index
    stage inside the build with it (``--timings``). User CPU is the steadiest: system time
    varies with what the filesystem is still doing about files deleted shortly before."""

    wall: list[Pair]
    cpu: list[Pair]
    user: list[Pair]
    own: list[float]

    @staticmethod
    def medians(rounds: list[Pair]) -> Pair:
        return statistics.median(r[0] for r in rounds), statistics.median(r[1] for r in rounds)

    @staticmethod
    def added(rounds: list[Pair]) -> float:
        """What the index adds, as a share: each round's own ratio (its two builds run back to
        back, so a slow spell of a shared machine tends to meet both), averaged over two rounds
        in turn, one of which built without the index first and the other with it first (the
        second build of a round runs while the system still writes out the first one's files,
        which would otherwise count for or against the index); the median of those means."""
        ratios = [with_index / without - 1 for without, with_index in rounds]
        pairs = [ratios[i : i + 2] for i in range(0, len(ratios), 2)]
        return statistics.median(statistics.fmean(pair) for pair in pairs)

    @property
    def own_share(self) -> float:
        """The index stage's share of the CPU of the build with it (median over the rounds)."""
        return statistics.median(own / cpu[1] for own, cpu in zip(self.own, self.cpu, strict=True))


def index_cost(source: Path, workdir: Path, rounds: int = 6) -> IndexCost:
    """Cold builds without the search index and with it, each into a new directory: what the
    index adds to a build (it is made while workers render pages, so its own duration
    overstates that). Each round builds once without it and once with it, which of the two
    comes first alternating from round to round. The CPU time is steadier than the wall time
    on a shared machine: with every core busy, what the index adds to one is what it adds to
    the other."""
    cost = IndexCost([], [], [], [])
    scratch = workdir / "index-cost"
    try:
        for number in range(rounds):
            runs: dict[bool, tuple[float, float, float]] = {}
            for indexed in (False, True) if number % 2 == 0 else (True, False):
                output = scratch / f"{number}-{indexed}"
                launch = ["-m", "scholarsite"] if indexed else ["-c", INDEXLESS_BUILD]
                user_before, cpu_before = children_cpu()
                command = [sys.executable, *launch, "build", "--timings", "--source",
                           str(source), "--output", str(output)]  # fmt: skip
                wall, printed = run_output(command)
                if indexed:
                    cost.own.append(stage_cpu(printed, "search"))
                user_after, cpu_after = children_cpu()
                runs[indexed] = wall, cpu_after - cpu_before, user_after - user_before
            for measure, pairs in enumerate((cost.wall, cost.cpu, cost.user)):
                pairs.append((runs[False][measure], runs[True][measure]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return cost


def children_cpu() -> tuple[float, float]:
    """User seconds, and user and system seconds, of the processes this one has waited for."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime, used.ru_utime + used.ru_stime


def index_seconds(source: Path, rewrite: Path | None = None) -> float:
    """How long building the search index takes, given the parsed corpus; with ``rewrite``,
    the index and the search client of that built site are replaced by the current ones."""
    docs = search_docs(read_site(source).corpus)
    started = time.perf_counter()
    files = build_search_index(docs)
    seconds = time.perf_counter() - started
    if rewrite is not None:
        write_search_files(rewrite, files, find_theme(source).static)
    return seconds


def write_search_files(output: Path, files: dict[str, bytes], static: Path) -> None:
    shutil.rmtree(output / INDEX_DIR, ignore_errors=True)
    for name, data in files.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name in ("search.js", "search.css"):
        shutil.copyfile(static / name, output / "static" / name)


def run_pagefind(output: Path) -> float:
    return run([sys.executable, "-m", "pagefind", "--site", str(output)])


def count_files(directory: Path) -> int:
    return sum(1 for p in directory.rglob("*") if p.is_file())


def load_queries(corpus: Path, site: Path) -> list[Query]:
    raw = json.loads((corpus / "queries.json").read_text(encoding="utf-8"))
    queries = [Query(q["q"], q["kind"], q["expect"]) for q in raw]
    missing = [q.expect for q in queries if not (site / q.expect / "index.html").is_file()]
    if missing:
        raise ScholarsiteError(
            f"{corpus / 'queries.json'}: {len(missing)} expected pages are not in the built "
            f"site (first: {missing[0]}); synth.py and the site's slugs disagree"
        )
    return queries


# --------------------------------------------------------------------------- measuring


def normalise(url: str) -> str:
    path = urlsplit(url).path.lstrip("/")
    return path.removesuffix("index.html")


def rank_of(expect: str, urls: Sequence[str]) -> int | None:
    found = [normalise(u) for u in urls[:TOP]]
    return found.index(expect) + 1 if expect in found else None


def fresh_page(browser: Browser) -> tuple[BrowserContext, Page, list[Request]]:
    """A page in a new context (empty cache) whose finished requests are recorded."""
    context, page = quiet_page(browser)
    finished: list[Request] = []
    page.on("requestfinished", lambda request: finished.append(request))
    return context, page, finished


def quiet_page(browser: Browser) -> tuple[BrowserContext, Page]:
    """A page in a new context with no request listener: recording every request costs the
    page a millisecond or more per request, which readers never pay."""
    context = browser.new_context()
    return context, context.new_page()


def transferred(requests: Sequence[Request], engine: Engine) -> int:
    total = 0
    for request in requests:
        if engine.is_search_file(urlsplit(request.url).path):
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


def first_query(browser: Browser, base: str, engine: Engine, query: str) -> tuple[int, float]:
    """Bytes and milliseconds of one query on a freshly loaded page with an empty cache. The
    time is taken on a page with no request listener (recording each request costs the page
    time a reader never pays); the bytes on another fresh page that records them."""
    context, page = quiet_page(browser)
    try:
        ms = _first_run(page, base, engine, query)
    finally:
        context.close()
    context, page, finished = fresh_page(browser)
    try:
        _first_run(page, base, engine, query)
        page.wait_for_timeout(50)
        return transferred(finished, engine), ms
    finally:
        context.close()


def _first_run(page: Page, base: str, engine: Engine, query: str) -> float:
    page.goto(base, wait_until="load")
    if engine.prepare:
        page.evaluate(engine.prepare, base)
    page.wait_for_timeout(READING_PAUSE_MS)
    return float(page.evaluate(engine.query, query)["ms"])


def typed_first_query(browser: Browser, base: str, query: str) -> float:
    """Milliseconds from typing into the header box to rendered results, on a fresh page."""
    context, page = quiet_page(browser)
    try:
        page.goto(base, wait_until="load")
        page.wait_for_timeout(READING_PAUSE_MS)
        return float(page.evaluate(OURS_TYPED, query))
    finally:
        context.close()


def spread(queries: Sequence[Query], count: int | None) -> Sequence[Query]:
    """``count`` queries taken evenly from the whole list (which is grouped by kind), or all."""
    if count is None or count >= len(queries):
        return queries
    return [queries[i * len(queries) // count] for i in range(count)]


def measure(
    browser: Browser, base: str, engine: Engine, queries: Sequence[Query], first_runs: int | None
) -> EngineRun:
    result = EngineRun(engine.name)
    for query in spread(queries, first_runs):
        size, ms = first_query(browser, base, engine, query.q)
        result.first_bytes.append(size)
        result.first_ms.append(ms)
        result.first_kinds.append(query.kind)
        if engine is OURS:
            result.typed_ms.append(typed_first_query(browser, base, query.q))
    context, page = quiet_page(browser)
    try:
        page.goto(base, wait_until="load")
        if engine.prepare:
            page.evaluate(engine.prepare, base)
        page.evaluate(engine.query, queries[0].q)
        for query in queries:
            found = page.evaluate(engine.query, query.q)
            result.warm_ms.append(float(found["ms"]))
            result.ranks.setdefault(query.kind, []).append(rank_of(query.expect, found["urls"]))
    finally:
        context.close()
    return result


def later_without_driver(
    output: Path, base: str, engine: Engine, queries: Sequence[Query]
) -> list[float]:
    """Milliseconds of each query after a first one, timed by a page that a plain headless
    Chromium opens (no DevTools client attached) and that posts its timings back."""
    script = UNATTACHED_SCRIPT % {
        "prepare": engine.prepare or "null",
        "query": engine.query,
        "queries": json.dumps([q.q for q in queries]).replace("</", "<\\/"),
        "result": UNATTACHED_RESULT,
        "pause": READING_PAUSE_MS,
    }
    page = output / UNATTACHED_PAGE
    page.write_text(f'<!doctype html>\n<meta charset="utf-8">\n{engine.head}\n'
                    f"<script>\n{script}\n</script>\n", encoding="utf-8")  # fmt: skip
    result = output / UNATTACHED_RESULT
    result.unlink(missing_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="chromium-", ignore_cleanup_errors=True) as profile:
            command = [str(CHROMIUM), "--headless", *CHROMIUM_ARGS, f"--user-data-dir={profile}",
                       base + UNATTACHED_PAGE]  # fmt: skip
            browser = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 300
                while not result.is_file() and time.monotonic() < deadline:
                    time.sleep(0.2)
            finally:
                browser.terminate()
                browser.wait()
        if not result.is_file():
            raise ScholarsiteError(f"{engine.name}: the page without a driver reported nothing")
        return [float(ms) for ms in json.loads(result.read_text(encoding="utf-8"))]
    finally:
        page.unlink(missing_ok=True)
        result.unlink(missing_ok=True)


# --------------------------------------------------------------------------- reporting


def mrr(ranks: Sequence[int | None]) -> float:
    return sum(1 / r for r in ranks if r) / len(ranks) if ranks else 0.0


def hit1(ranks: Sequence[int | None]) -> float:
    return sum(1 for r in ranks if r == 1) / len(ranks) if ranks else 0.0


def all_ranks(result: EngineRun) -> list[int | None]:
    return [r for ranks in result.ranks.values() for r in ranks]


def rows(ours: EngineRun, theirs: EngineRun) -> list[tuple[str, float, float, str]]:
    def median(values: Sequence[float]) -> float:
        return statistics.median(values) if values else float("nan")

    typo_ours, typo_theirs = ours.ranks.get("typo", []), theirs.ranks.get("typo", [])
    return [
        ("first query kB (median)", median(ours.first_bytes) / 1000,
         median(theirs.first_bytes) / 1000, "{:.1f}"),
        ("first query kB (max)", max(ours.first_bytes) / 1000, max(theirs.first_bytes) / 1000,
         "{:.1f}"),
        ("first query ms (median)", median(ours.first_ms), median(theirs.first_ms), "{:.0f}"),
        ("later queries ms (median)", median(ours.warm_ms), median(theirs.warm_ms), "{:.1f}"),
        ("later queries ms, no driver attached (median)", median(ours.unattached_ms),
         median(theirs.unattached_ms), "{:.1f}"),
        ("MRR@10", mrr(all_ranks(ours)), mrr(all_ranks(theirs)), "{:.3f}"),
        ("hit@1", hit1(all_ranks(ours)), hit1(all_ranks(theirs)), "{:.3f}"),
        ("MRR@10 typo queries", mrr(typo_ours), mrr(typo_theirs), "{:.3f}"),
        ("index files", ours.files, theirs.files, "{:.0f}"),
        ("index build s", ours.index_seconds, theirs.index_seconds, "{:.1f}"),
    ]  # fmt: skip


def print_table(size: int, ours: EngineRun, theirs: EngineRun, cost: IndexCost | None) -> None:
    print(f"\n## {size:,} papers\n")
    print("| metric | scholarsite | pagefind | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, a, b, fmt in rows(ours, theirs):
        ratio = f"{a / b:.2f}" if b else "-"
        print(f"| {name} | {fmt.format(a)} | {fmt.format(b)} | {ratio} |")
    typed = statistics.median(ours.typed_ms) if ours.typed_ms else float("nan")
    print(f"\nscholarsite, keystroke to rendered results in the header box (first query, "
          f"one input event on a fresh page): median {typed:.0f} ms")  # fmt: skip
    if cost is None:
        print("site reused from an earlier run (--reuse): its search index was rewritten")
    else:
        figures = (("wall", cost.wall), ("CPU", cost.cpu), ("user CPU", cost.user))
        for what, rounds in figures:
            without, with_index = cost.medians(rounds)
            print(f"cold build without the search index {without:.1f} s {what}, with it "
                  f"{with_index:.1f} s (medians of {len(rounds)} rounds): the index adds "
                  f"{100 * cost.added(rounds):.1f}% (pairs of rounds in both orders)")  # fmt: skip
        index, build = statistics.median(cost.own), cost.medians(cost.cpu)[1]
        print(f"the index's own CPU inside the builds with it: {index:.2f} s of {build:.1f} s "
              f"({100 * cost.own_share:.1f}%, median of the rounds' shares)")  # fmt: skip
    print("by query kind, scholarsite / pagefind: MRR@10; first query ms (median)")
    for kind, ranks in ours.ranks.items():
        firsts = [first_ms(run, kind) for run in (ours, theirs)]
        print(f"  {kind:16} {mrr(ranks):.3f} / {mrr(theirs.ranks.get(kind, [])):.3f}; "
              f"{firsts[0]:.0f} / {firsts[1]:.0f}")  # fmt: skip


def first_ms(run: EngineRun, kind: str) -> float:
    timed = [ms for ms, k in zip(run.first_ms, run.first_kinds, strict=True) if k == kind]
    return statistics.median(timed) if timed else float("nan")


def bench_size(
    browser: Browser,
    workdir: Path,
    size: int,
    first_runs: int | None,
    pagefind: bool = True,
    reuse: bool = False,
) -> None:
    output, build_seconds = prepare_site(workdir, size, reuse)
    corpus = workdir / f"corpus-{size}"
    queries = load_queries(corpus, output)
    ours_index = index_seconds(corpus / "site_src", output if build_seconds is None else None)
    pagefind_seconds = run_pagefind(output) if pagefind else 0.0
    with serve(output) as base:
        ours = measure(browser, base, OURS, queries, first_runs)
        ours.unattached_ms = later_without_driver(output, base, OURS, queries)
        theirs = measure(browser, base, PAGEFIND, queries, first_runs) if pagefind else None
        if theirs is not None:
            theirs.unattached_ms = later_without_driver(output, base, PAGEFIND, queries)
    cost = None
    if build_seconds is not None:
        settle()  # after the files this run and the last deleted
        cost = index_cost(corpus / "site_src", workdir)
    ours.files = count_files(output / "search" / "idx") + 2  # + search.js, search.css
    ours.index_seconds = ours_index
    if theirs is None:  # scholarsite alone (at 100,000 papers Pagefind takes very long)
        theirs = EngineRun("pagefind", first_bytes=[0])
    else:
        theirs.files = count_files(output / "pagefind")
        theirs.index_seconds = pagefind_seconds
    print_table(size, ours, theirs, cost)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m scholarsite.bench.search_bench")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="1000,10000", help="papers per corpus, comma-separated")
    parser.add_argument("--workdir", type=Path, default=Path("build/bench-search"))
    parser.add_argument("--first-runs", type=int, default=None,
                        help="queries timed on a fresh page, taken evenly across the kinds "
                             "(default: all; all are timed warm)")  # fmt: skip
    parser.add_argument("--no-pagefind", action="store_true", help="measure scholarsite alone")
    reuse_help = ("keep a site an earlier run built in --workdir and rewrite only its search "
                  "index and client (a 100,000-paper build takes minutes)")  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help=reuse_help)
    return parser.parse_args(argv)


def require_tools(with_pagefind: bool) -> None:
    """Fail before anything is built when a tool the benchmark runs is missing."""
    if with_pagefind and importlib.util.find_spec("pagefind") is None:
        raise ScholarsiteError(
            "pagefind is not installed: run `python3 -m pip install -e '.[bench]'`, "
            "or pass --no-pagefind to measure scholarsite alone"
        )
    if not CHROMIUM.exists():
        raise ScholarsiteError(f"{CHROMIUM} is missing: apt-get install chromium")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        serve_forever(args.serve)
    try:
        require_tools(not args.no_pagefind)
        run_benchmarks(args)
    except ScholarsiteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def run_benchmarks(args: argparse.Namespace) -> None:
    args.workdir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for size in (int(s) for s in args.sizes.split(",")):
                bench_size(browser, args.workdir, size, args.first_runs, not args.no_pagefind,
                           args.reuse)  # fmt: skip
        finally:
            browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
