"""Command-line interface: argument parsing only; each command is a thin function."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import groupby
from pathlib import Path
from typing import TextIO

from scholarsite import __version__
from scholarsite.build import BuildOptions, BuildResult, build_site
from scholarsite.config import normalize_base_url
from scholarsite.errors import BuildFailed, Problem, ScholarsiteError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"scholarsite: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="scholarsite", description="Build a static website from research-profile dumps."
    )
    parser.add_argument("--version", action="version", version=f"scholarsite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="build the site into the output directory")
    _source_output(build)
    build.add_argument(
        "--base-url",
        type=_base_url,
        help="absolute URL the site is published at (canonical links, sitemap, feed)",
    )
    build.add_argument(
        "--jobs", type=_positive, default=None, help="worker processes (default: all cores)"
    )
    build.add_argument(
        "--strict", action="store_true", help="fail on warnings that curation has not acknowledged"
    )
    build.add_argument(
        "--timings", action="store_true", help="print the wall and CPU seconds of each stage"
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="render every page, and keep no build state beside the output for the next build",
    )

    serve = commands.add_parser("serve", help="build, serve, watch and live-reload")
    _source_output(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=None, help="port (default: 8000, or the next free one)"
    )
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    check = commands.add_parser("check", help="lint the corpus and the built site")
    _source_output(check)
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument(
        "--fail-on",
        choices=("warning", "error"),
        default="warning",
        help="exit 1 on any finding (default), or only when the site is broken",
    )
    return parser


def _source_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", type=_folder, default=Path("site_src"), help="site source (default: site_src)"
    )
    parser.add_argument(
        "--output", type=Path, default=Path("build"), help="output directory (default: build)"
    )


def _folder(text: str) -> Path:
    if not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder (give the site source: corpus/…)")
    return Path(text)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _base_url(text: str) -> str:
    try:
        return normalize_base_url(text)
    except ScholarsiteError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 0 and 65535")
    return value


def print_problems(problems: Iterable[Problem], stream: TextIO) -> None:
    """Warnings grouped by file, each as ``file:line: message``."""
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.message))
    for file, group in groupby(ordered, key=lambda p: p.file):
        print(f"{file}:", file=stream)
        for problem in group:
            mark = " [acknowledged]" if problem.acknowledged else ""
            print(f"  {problem.location()}: {problem.message}{mark}", file=stream)


class TerminalProgress:
    """A progress bar on a terminal; a few plain lines otherwise. The rate is counted from the
    stage's first report, so that reading the corpus does not count as slow rendering."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = -1
        self.first: dict[str, tuple[float, int]] = {}  # stage -> (time, count) of its first report

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        since, before = self.first.setdefault(stage, (now, done))
        rate = f" ({(done - before) / (now - since):,.0f} {stage}/s)" if now > since else ""
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            self.stream.write(
                f"\r  {stage} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{rate}"
            )
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
        elif done == total or done * 4 // max(total, 1) != self.last:
            self.last = done * 4 // max(total, 1)
            print(f"  {stage}: {done}/{total}{rate}", file=self.stream)


def summary(result: BuildResult) -> str:
    warnings = len(result.warnings)
    if result.up_to_date:
        return (
            f"Up to date: {result.papers} papers, {result.authors} authors, {warnings} warning"
            f"{'s' if warnings != 1 else ''}; nothing changed since the last build "
            f"({result.seconds:.2f} s) → {result.output}"
        )
    acknowledged = len(result.problems) - warnings
    ack = f" ({acknowledged} acknowledged)" if acknowledged else ""
    fresh = f" ({result.rendered} rendered)" if result.rendered < result.pages else ""
    return (
        f"Built {result.papers} papers, {result.authors} authors, {result.pages} pages{fresh}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}{ack} "
        f"in {result.seconds:.2f} s → {result.output}"
    )


def timings_table(result: BuildResult, workers_cpu: float) -> str:
    """Each stage's wall and CPU seconds (the building process's CPU), then the workers' CPU."""
    lines = [f"{'stage':<10} {'wall s':>8} {'CPU s':>8}"]
    lines += [f"{t.stage:<10} {t.wall:8.2f} {t.cpu:8.2f}" for t in result.timings]
    lines.append(f"{'workers':<10} {'':>8} {workers_cpu:8.2f}")
    return "\n".join(lines)


def cmd_build(args: argparse.Namespace) -> int:
    options = BuildOptions(
        args.source, args.output, args.base_url, args.strict, args.jobs, cache=not args.no_cache
    )
    result = build_site(options, TerminalProgress(sys.stderr))
    if result.problems:
        print_problems(result.problems, sys.stderr)
    print(summary(result))
    if args.timings and result.timings:  # an output already up to date has no stages
        used = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers, once the build is done
        print(timings_table(result, used.ru_utime + used.ru_stime))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from scholarsite.preview import run_preview

    return run_preview(args.source, args.output, args.host, args.port, args.open)


def cmd_check(args: argparse.Namespace) -> int:
    from scholarsite.check import run_check

    return run_check(
        args.source, args.output, as_json=args.json, stream=sys.stdout, fail_on=args.fail_on
    )


COMMANDS = {"build": cmd_build, "serve": cmd_serve, "check": cmd_check}


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BuildFailed as failure:
        print_problems(failure.problems, sys.stderr)
        print(
            f"scholarsite: build failed: {len(failure.problems)} problem(s) above", file=sys.stderr
        )
        return EXIT_FAILED
    except ScholarsiteError as error:
        print(f"scholarsite: error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as error:  # the system refused: a full disk, a read-only or vanished folder
        print(f"scholarsite: error: {error}", file=sys.stderr)
        if args.command == "build":
            print(
                f"scholarsite: nothing in {args.output} was changed: free some space (or fix "
                "what the message names) and build again, or build into another --output",
                file=sys.stderr,
            )
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("scholarsite: interrupted", file=sys.stderr)
        return 130
