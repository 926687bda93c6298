"""``scholarsite serve``: hands the preview server a build function for this site."""

from __future__ import annotations

import shutil
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path

import jinja2

from scholarsite.build import BuildOptions, BuildResult, Pause, build_steps
from scholarsite.corpus import DumpCache
from scholarsite.errors import BuildFailed, ScholarsiteError
from scholarsite.gcpause import settle_heap
from scholarsite.incremental import SiteState, template_dependencies
from scholarsite.livereload import BuildOutcome
from scholarsite.render import make_environment
from scholarsite.server import BuildFunction, serve
from scholarsite.theme import Theme, find_theme


def make_build_function(options: BuildOptions, theme: Theme) -> BuildFunction:
    """The first build starts from the state the last build kept beside the output when it
    matches the output (else it renders every page), and runs even when the output is up to
    date: later builds start from its state. Later ones render only the pages whose inputs
    changed, those open in a tab first, and return once those are in place, then once the
    other pages are (the search index, publishing files, export and the state kept for the next
    build follow); a change to theme static files only copies those files."""
    static = theme.static.resolve()
    last: list[SiteState] = []
    dumps = DumpCache()

    def build(changed: frozenset[Path] | None, viewing: frozenset[str]) -> BuildOutcome:
        if changed and all(p.resolve().is_relative_to(static) for p in changed):
            return _copy_static(changed, static, options.output)
        previous = last[-1] if last and changed else None
        steps = build_steps(options, previous=previous, dumps=dumps, keep_state=True, first=viewing)
        return step(steps, set())

    def step(steps: Generator[Pause, None, BuildResult], shown: set[str]) -> BuildOutcome:
        """Run the build to its next pause (pages in place) or to its end. ``shown``: the files
        the pauses before this one put in place."""
        try:
            pause = next(steps)
        except StopIteration as done:
            outcome = finished(done.value)
            return replace(outcome, changed=tuple(p for p in outcome.changed if p not in shown))
        except BuildFailed as failure:
            return BuildOutcome(False, tuple(str(p) for p in failure.problems))
        except ScholarsiteError as error:
            return BuildOutcome(False, (str(error),))
        shown.update(pause.written)
        return BuildOutcome(True, (), pause.written, lambda: step(steps, shown), pause.moved)

    def finished(result: BuildResult) -> BuildOutcome:
        if result.state is not None:
            if not last:
                compile_templates(theme)
            last[:] = [result.state]
        for problem in result.warnings:
            print(f"warning: {problem}", flush=True)
        print(
            f"built {result.pages} pages ({result.rendered} rendered), "
            f"{len(result.warnings)} warnings in {result.seconds:.2f} s",
            flush=True,
        )
        settle_heap()  # the site's state stays until the next rebuild: out of its collections
        return BuildOutcome(True, (), result.written)

    return build


def compile_templates(theme: Theme) -> None:
    """Compile every template in this process and read what each pulls in, as the first rebuild
    would: the first build rendered its pages in worker processes, and the first edit would
    otherwise wait for both. A broken template is left for the next build to report."""
    env = make_environment(theme.templates)
    for name in env.list_templates(extensions=["html"]):
        try:
            env.get_template(name)
            template_dependencies(env, name)
        except jinja2.TemplateError:
            continue


def _copy_static(changed: frozenset[Path], static: Path, output: Path) -> BuildOutcome:
    written = []
    for path in sorted(changed):
        rel = path.resolve().relative_to(static)
        target = output / "static" / rel
        if path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        else:
            target.unlink(missing_ok=True)
        written.append(f"static/{rel.as_posix()}")
    return BuildOutcome(True, (), tuple(written))


def run_preview(source: Path, output: Path, host: str, port: int | None, open_browser: bool) -> int:
    options = BuildOptions(source, output, cache=True)
    theme = find_theme(source)
    watch = [source, theme.templates, theme.static]
    return serve(
        make_build_function(options, theme),
        output,
        watch,
        host=host,
        port=port if port is not None else 8000,
        open_browser=open_browser,
        ignore=[output],
        strict_port=port is not None,
    )
