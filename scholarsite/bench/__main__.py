"""``python -m scholarsite.bench``: build synthetic corpora with scholarsite and Hugo, compare.

For each size: generate the corpus (and its Hugo twin) once, then, alternating the tools from
one repeat to the next, time a cold scholarsite build, a rebuild with nothing changed, a
rebuild after editing one dump, and a cold Hugo build. Each run is a subprocess; wall time,
CPU time (user + system, workers included) and peak memory are measured from outside.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from scholarsite.bench.filesystem import SETTLE_SECONDS, settle
from scholarsite.bench.hugo_site import hugo_binary, hugo_command, write_hugo_site
from scholarsite.bench.synth import SynthCorpus, make_corpus, write_synth
from scholarsite.errors import ScholarsiteError

KINDS = ("cold", "no-change", "one-edit")


@dataclass(frozen=True)
class Run:
    tool: str
    size: int
    kind: str
    wall: float
    cpu: float
    peak_rss_mib: float
    pages: int


@dataclass(frozen=True)
class Row:
    tool: str
    size: int
    kind: str
    pages: int
    wall: float
    cpu: float
    peak_rss_mib: float
    runs: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall if self.wall else 0.0


# --------------------------------------------------------------------------- measuring


def process_tree(root: int) -> list[int]:
    """``root`` and its live descendants (Linux /proc; just ``root`` elsewhere)."""
    tree: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(child_pids(pid))
    return tree


def child_pids(pid: int) -> list[int]:
    children: list[int] = []
    try:
        with os.scandir(f"/proc/{pid}/task") as tasks:  # closed even when a read fails
            for task in tasks:
                children += [int(c) for c in Path(task.path, "children").read_text().split()]
    except OSError:  # the process ended while we looked, or no /proc
        return []
    return children


def resident_kib(pid: int) -> int:
    """Proportional set size (shared pages split between sharers), else RSS, in KiB."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    return 0


class TreeMemory:
    """Samples the summed memory of a process tree every ``interval`` seconds; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while not self.done.is_set():
            total = sum(resident_kib(pid) for pid in process_tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)
            self.done.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def count_pages(output: Path) -> int:
    return sum("index.html" in files for _, _, files in os.walk(output))


def measure(
    command: Sequence[str], log: Path, env: dict[str, str] | None = None
) -> tuple[float, float, float]:
    """Run ``command``; (wall seconds, CPU seconds, peak memory MiB). Fails on a non-zero exit."""
    with log.open("ab") as out:
        out.write(f"$ {' '.join(command)}\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        with TreeMemory(proc.pid) as memory:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ScholarsiteError(f"{command[0]} exited with {proc.returncode}; log {log}:\n{tail}")
    # ru_maxrss (KiB on Linux) is the largest single process; the sample sums the tree
    peak_kib = max(usage.ru_maxrss, memory.peak_kib)
    return wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024


# --------------------------------------------------------------------------- one size


@dataclass(frozen=True)
class Edit:
    """One abstract changed in one dump: a typical small correction."""

    dump: Path
    before: bytes
    after: bytes

    def apply(self) -> None:
        data = self.dump.read_bytes()
        if data.count(self.before) != 1:
            raise ScholarsiteError(f"{self.dump}: the abstract to edit is not there exactly once")
        self.dump.write_bytes(data.replace(self.before, self.after))

    def undo(self) -> None:
        self.dump.write_bytes(self.dump.read_bytes().replace(self.after, self.before))


@dataclass(frozen=True)
class Workspace:
    root: Path
    size: int
    edit: Edit

    @property
    def source_root(self) -> Path:
        return self.root / "scholarsite"

    @property
    def source(self) -> Path:
        return self.source_root / "site_src"

    @property
    def output(self) -> Path:
        return self.root / "scholarsite-out"

    @property
    def hugo_site(self) -> Path:
        return self.root / "hugo"

    @property
    def hugo_output(self) -> Path:
        return self.root / "hugo-out"

    @property
    def log(self) -> Path:
        return self.root / "runs.log"

    @property
    def trash(self) -> Path:
        return self.root / "trash"

    def set_aside(self, output: Path) -> None:
        """Move an old output out of the way; it is deleted once the size is measured (see
        :func:`settle`)."""
        if output.exists():
            self.trash.mkdir(exist_ok=True)
            output.rename(self.trash / f"{output.name}-{len(list(self.trash.iterdir()))}")


def prepare(root: Path, corpus: SynthCorpus, with_hugo: bool) -> Workspace:
    """Write the corpus (and its Hugo twin) under ``root``, replacing what was there."""
    if root.exists():
        shutil.rmtree(root)
    write_synth(root / "scholarsite", corpus)
    if with_hugo:
        write_hugo_site(root / "hugo", corpus)
    return Workspace(root, len(corpus.papers), plan_edit(root / "scholarsite", corpus))


def plan_edit(source_root: Path, corpus: SynthCorpus) -> Edit:
    """Revise a paper of the biggest titled dump, one found in no other profile if possible."""
    seen = Counter(p for profile in corpus.profiles for p in profile.papers)
    titled = [profile for profile in corpus.profiles if profile.layout == "titled"]
    biggest = min(titled, key=lambda prof: (-len(prof.papers), prof.file))
    alone = [p for p in biggest.papers if seen[p] == 1] or list(biggest.papers)
    abstract = corpus.papers[alone[-1]].abstract.encode("utf-8")
    dump = source_root / "site_src" / "corpus" / biggest.file
    return Edit(dump, abstract, abstract + b" We revise this abstract.")


def remove_extras(root: Path, keep: set[Path]) -> None:
    """Delete whatever a build left under ``root`` (caches) that the generator did not write."""
    for path in sorted(root.rglob("*"), reverse=True):
        if path in keep:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def scholarsite_command(space: Workspace, jobs: int | None) -> list[str]:
    command = [sys.executable, "-m", "scholarsite", "build"]
    command += ["--source", str(space.source), "--output", str(space.output)]
    return command + (["--jobs", str(jobs)] if jobs else [])


def scholarsite_runs(space: Workspace, jobs: int | None, keep: set[Path]) -> Iterator[Run]:
    """Cold build, a rebuild with nothing changed, a rebuild after one dump edit."""
    command = scholarsite_command(space, jobs)
    remove_extras(space.source_root, keep)
    space.set_aside(space.output)
    with tempfile.TemporaryDirectory() as cache_home:
        env = {**os.environ, "XDG_CACHE_HOME": cache_home}
        for kind in KINDS:
            if kind == "one-edit":
                space.edit.apply()
            try:
                wall, cpu, rss = measure(command, space.log, env)
            finally:
                if kind == "one-edit":
                    space.edit.undo()
            yield Run("scholarsite", space.size, kind, wall, cpu, rss, count_pages(space.output))


def hugo_run(space: Workspace) -> Run:
    space.set_aside(space.hugo_output)
    with tempfile.TemporaryDirectory() as cache:
        command = hugo_command(space.hugo_site, space.hugo_output, Path(cache))
        wall, cpu, rss = measure(command, space.log)
    return Run("hugo", space.size, "cold", wall, cpu, rss, count_pages(space.hugo_output))


def bench_size(
    space: Workspace,
    repeat: int,
    jobs: int | None,
    tools: set[str],
    record: Callable[[Run], None],
    pause: float,
) -> None:
    """Alternate the tools from one repeat to the next; ``record`` each run as it ends.

    Old outputs are set aside, not deleted, until the end; the one rebuild that deletes files
    itself (the one-dump edit replaces the whole output) is followed by a ``pause``."""
    keep = set(space.source_root.rglob("*"))
    settle(pause)
    for r in range(repeat):
        order = ("hugo", "scholarsite") if r % 2 == 0 else ("scholarsite", "hugo")
        for tool in (t for t in order if t in tools):
            if tool == "hugo":
                record(hugo_run(space))
            else:
                for run in scholarsite_runs(space, jobs, keep):
                    record(run)
                settle(pause)
    shutil.rmtree(space.trash, ignore_errors=True)


# --------------------------------------------------------------------------- reporting


def summarize(runs: Sequence[Run]) -> list[Row]:
    """Medians per (tool, size, kind), in a stable order."""
    groups: dict[tuple[str, int, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.tool, run.size, run.kind), []).append(run)
    order = {"hugo": 0, "scholarsite": 1}
    return [
        Row(
            tool,
            size,
            kind,
            pages=max(r.pages for r in group),
            wall=statistics.median(r.wall for r in group),
            cpu=statistics.median(r.cpu for r in group),
            peak_rss_mib=statistics.median(r.peak_rss_mib for r in group),
            runs=len(group),
        )
        for (tool, size, kind), group in sorted(
            groups.items(), key=lambda item: (item[0][1], order.get(item[0][0], 9), item[0][2])
        )
    ]


def ratio_to_hugo(row: Row, rows: Sequence[Row]) -> str:
    hugo = next((h for h in rows if h.tool == "hugo" and h.size == row.size), None)
    if hugo is None or row.tool == "hugo" or row.kind != "cold" or not hugo.pages_per_second:
        return "-"
    return f"{row.pages_per_second / hugo.pages_per_second:.2f}x"


def table(rows: Sequence[Row]) -> str:
    header = ("tool", "papers", "run", "pages", "wall s", "CPU s", "peak MiB", "pages/s", "vs Hugo")
    cells = [header] + [row_cells(r, rows) for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    return "\n".join(format_line(line, widths) for line in cells)


def format_line(line: Sequence[str], widths: Sequence[int]) -> str:
    """The first three columns (names) left-aligned, the figures right-aligned."""
    return "  ".join(
        pad(cell, width, left=i < 3)
        for i, (cell, width) in enumerate(zip(line, widths, strict=True))
    )


def pad(cell: str, width: int, left: bool) -> str:
    return cell.ljust(width) if left else cell.rjust(width)


def row_cells(r: Row, rows: Sequence[Row]) -> tuple[str, ...]:
    return (
        r.tool,
        f"{r.size:,}",
        r.kind,
        f"{r.pages:,}",
        f"{r.wall:.2f}",
        f"{r.cpu:.2f}",
        f"{r.peak_rss_mib:,.0f}",
        f"{r.pages_per_second:,.0f}",
        ratio_to_hugo(r, rows),
    )


def fitted_exponent(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(cost) against log(size): 1.0 is linear growth."""
    usable = [(math.log(size), math.log(cost)) for size, cost in points if size > 0 and cost > 0]
    if len({x for x, _ in usable}) < 2:
        return None
    mean_x = statistics.fmean(x for x, _ in usable)
    mean_y = statistics.fmean(y for _, y in usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread


def exponents(rows: Sequence[Row]) -> list[str]:
    lines = []
    for tool in sorted({r.tool for r in rows}):
        cold = [r for r in rows if r.tool == tool and r.kind == "cold"]
        wall = fitted_exponent([(r.size, r.wall) for r in cold])
        cpu = fitted_exponent([(r.size, r.cpu) for r in cold])
        if wall is not None and cpu is not None:
            lines.append(f"{tool}: cold-build cost ~ size^{wall:.2f} (wall), size^{cpu:.2f} (CPU)")
    return lines


# --------------------------------------------------------------------------- command line


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected sizes like 1000,10000: {error}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive paper counts")
    return sizes


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scholarsite.bench",
        description="Build synthetic corpora with scholarsite and Hugo; print a comparison.",
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=[1000, 10000],
        help="paper counts, comma-separated (default: 1000,10000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default: 0)")
    parser.add_argument("--jobs", type=int, default=None, help="passed to scholarsite build")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("bench-out"),
        help="where corpora and outputs go (default: bench-out/, git-ignored)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=SETTLE_SECONDS,
        help="seconds to wait after runs that delete files (default: 65; see settle())",
    )
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo builds")
    parser.add_argument("--no-scholarsite", action="store_true", help="skip the scholarsite builds")
    parser.add_argument(
        "--runs", type=Path, default=None, help="append each run to this JSON-lines file as it ends"
    )
    parser.add_argument(
        "--report", type=Path, default=None, help="build nothing: print the table for a --runs file"
    )
    return parser  # fmt: skip


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class Recorder:
    """Keeps the runs, reports each on stderr and appends it to a JSON-lines file if asked."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.runs: list[Run] = []

    def __call__(self, run: Run) -> None:
        self.runs.append(run)
        say(
            f"  {run.tool} {run.kind}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, "
            f"{run.peak_rss_mib:,.0f} MiB, {run.pages:,} pages"
        )
        if self.path:
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(asdict(run), sort_keys=True) + "\n")


def load_runs(path: Path) -> list[Run]:
    try:
        return [Run(**json.loads(line)) for line in path.read_text().splitlines() if line]
    except (OSError, ValueError, TypeError) as error:
        raise ScholarsiteError(f"{path}: not a runs file written by --runs ({error})") from None


def run_benchmarks(args: argparse.Namespace, record: Recorder) -> None:
    skipped = {"hugo"} if args.no_hugo else set()
    skipped |= {"scholarsite"} if args.no_scholarsite else set()
    tools = {"hugo", "scholarsite"} - skipped
    with_hugo = "hugo" in tools
    if with_hugo:
        say(f"hugo: {hugo_binary()}")
    for size in args.sizes:
        started = time.perf_counter()
        corpus = make_corpus(size, args.seed)
        space = prepare(args.workdir / f"n{size}", corpus, with_hugo)
        say(f"{size:,} papers: corpus written in {time.perf_counter() - started:.1f} s")
        bench_size(space, max(1, args.repeat), args.jobs, tools, record, args.settle)


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        if args.report:
            runs = load_runs(args.report)
        else:
            recorder = Recorder(args.runs)
            run_benchmarks(args, recorder)
            runs = recorder.runs
    except ScholarsiteError as error:
        say(f"error: {error}")
        return 1
    rows = summarize(runs)
    print(table(rows))
    for line in exponents(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
