"""The pipeline: config → corpus → curation → model → views → pages → atomic write.

Everything is read and checked before anything is written; the output directory is replaced only
when the whole site has been rendered. A rebuild from the last build's state (kept in memory by the
preview server, or beside the output by the command line) moves only the files that changed into
place, once they have all been rendered.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from scholarsite.buildstate import load_state, save_state
from scholarsite.config import SiteConfig, load_config
from scholarsite.corpus import DumpCache, RawProfile, read_corpus
from scholarsite.curation import Curation, acknowledge, load_curation
from scholarsite.errors import BuildFailed, Problem, ScholarsiteError
from scholarsite.export import build_summary, corpus_json
from scholarsite.fingerprint import input_digest
from scholarsite.gcpause import collector_paused, return_free_memory
from scholarsite.incremental import (
    Product,
    SiteState,
    moved_pages,
    pages_to_render,
    rebased_products,
    reusable_fragments,
)
from scholarsite.model import Corpus, build_corpus
from scholarsite.modelupdate import ModelSource, updated_corpus
from scholarsite.output import MARKER, SiteWriter, check_output_target, recorded_build
from scholarsite.pagerender import Rendered, RenderJob, TextsReady, render_pages
from scholarsite.pages import MarkdownPage, read_pages
from scholarsite.publish import page_urls_for_sitemap, publish_files
from scholarsite.render import OutputPage, Renderer, pages_at, site_pages
from scholarsite.search import SearchDoc, search_index_files
from scholarsite.text import abstract_plain_text
from scholarsite.theme import find_theme
from scholarsite.timings import StageTime, Stopwatch
from scholarsite.views import SiteViews, view_tables
from scholarsite.workers import can_fork, made_apart

Progress = Callable[[str, int, int], None]
READ_APART_BYTES = 32 << 20  # dumps this large are read in a child process (see _read)


@dataclass(frozen=True)
class BuildOptions:
    source: Path
    output: Path
    base_url: str | None = None
    strict: bool = False
    jobs: int | None = None
    cache: bool = False  # start from the state the last build kept beside the output, keep one


@dataclass(frozen=True)
class BuildResult:
    papers: int
    authors: int
    pages: int
    problems: tuple[Problem, ...]
    seconds: float
    output: Path
    written: tuple[str, ...] = ()
    rendered: int = 0
    state: SiteState | None = None
    up_to_date: bool = False
    timings: tuple[StageTime, ...] = ()  # stages in the order they ended

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.acknowledged)


@dataclass(frozen=True)
class Pause:
    """Where a rebuild in steps stops: the files it put in place, and the pages that moved
    (old output path → new) for a browser showing one of them to follow."""

    written: tuple[str, ...]
    moved: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SiteInput:
    """Everything read from the source directory, checked, before any output."""

    config: SiteConfig
    curation: Curation
    corpus: Corpus
    pages: list[MarkdownPage]
    problems: list[Problem]
    model: ModelSource | None = None  # what the corpus was made from, given a parse cache
    new_abstracts: frozenset[str] | None = None  # the corpus is the last one with these changed


def read_site(
    source: Path,
    base_url: str | None = None,
    dumps: DumpCache | None = None,
    last: tuple[Corpus, ModelSource] | None = None,
    jobs: int | None = None,
) -> SiteInput:
    """Read and check everything. Given a parse cache, and the last model with what it was made
    from, the model is updated instead of built again when the dumps' change allows it
    (:func:`~scholarsite.modelupdate.updated_corpus`)."""
    if not source.is_dir():
        raise ScholarsiteError(f"the site source {source} is not a directory (use --source DIR)")
    config, problems = load_config(source)
    curation, found = load_curation(source)
    problems += found
    with collector_paused():  # the records and the model hold no reference cycles
        profiles = read_corpus(source, dumps, jobs)
        for profile in profiles:
            problems += profile.problems
        if not any(profile.records for profile in profiles):
            raise BuildFailed([*problems, _no_papers(source, profiles)])
        if dumps is None:
            corpus, model, new_abstracts = build_corpus(profiles, curation), None, None
        else:
            corpus, model, new_abstracts = _model(profiles, curation, last)
    pages, found = read_pages(source)
    problems += [*corpus.problems, *found]
    return SiteInput(
        config.with_base_url(base_url), curation, corpus, pages, problems, model, new_abstracts
    )


def _read(
    options: BuildOptions,
    dumps: DumpCache | None,
    last: tuple[Corpus, ModelSource] | None,
    fresh: bool,
) -> SiteInput:
    """:func:`read_site` for a build (``fresh``: with no earlier build's state in memory, which
    the preview server keeps). Large dumps are read in a child process, so that the model
    arrives packed together, without the garbage parsing and merging leave behind
    (:func:`~scholarsite.workers.made_apart`): the render workers forked later copy less. The
    state a command-line build keeps beside its output is loaded only after this: a one-dump
    rebuild of 100,000 papers read apart from a process that held it peaked at 2,216 MiB, and
    at 1,710 MiB when the state was loaded after (1,796 MiB reading in this process)."""

    def read() -> SiteInput:
        return read_site(options.source, options.base_url, dumps, last, options.jobs)

    big = fresh and dumps is None and _dump_bytes(options.source) >= READ_APART_BYTES
    if big and can_fork():
        return made_apart("reading the site", read)
    site = read()
    if fresh:
        return_free_memory()  # what parsing freed: before the render workers are forked
    return site


def _dump_bytes(source: Path) -> int:
    try:
        with os.scandir(source / "corpus") as listing:
            return sum(entry.stat().st_size for entry in listing if entry.is_file())
    except OSError:  # no corpus folder: reading says so
        return 0


def _no_papers(source: Path, profiles: list[RawProfile]) -> Problem:
    found = "no papers in the dumps" if profiles else "no profile dumps"
    return Problem(
        "corpus",
        0,
        f"{found} in {source / 'corpus'}: put the profiles' text exports there, one file per "
        "profile (a site with no papers is not built)",
    )


def _model(
    profiles: list[RawProfile], curation: Curation, last: tuple[Corpus, ModelSource] | None
) -> tuple[Corpus, ModelSource, frozenset[str] | None]:
    """The model, what it is made from, and the papers whose abstracts alone changed when it
    is the last model updated for new abstracts (None when it was built, or more changed)."""
    parsed = {p.file: p for p in profiles}  # the cache's: the same objects until bytes change
    update = updated_corpus(*last, parsed, curation) if last is not None else None
    if update is not None:  # with new titles or authors, pages beyond those papers' own change
        return update.corpus, update.source, None if update.beyond_texts else update.papers
    source = ModelSource.of(parsed, curation, last[1] if last is not None else None)
    own = [p.copy() for p in profiles]  # curation changes profiles the cache keeps
    return build_corpus(own, curation), source, None


def build_site(
    options: BuildOptions,
    progress: Progress | None = None,
    previous: SiteState | None = None,
    dumps: DumpCache | None = None,
) -> BuildResult:
    """Build the site. Given the state of the previous build into the same output (the preview
    server keeps it; ``options.cache`` reads it from beside the output), only the pages whose
    inputs changed are rendered and written; given a cache of parsed dumps, only the dumps that
    changed are parsed."""
    return run_to_end(build_steps(options, progress, previous, dumps))


def run_to_end(steps: Generator[Pause, None, BuildResult]) -> BuildResult:
    """The result of a build run in steps (:func:`build_steps`), through all its pauses."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: BuildResult = done.value
            return result


# A rebuild that renders less than this share of the site's pages renders them in this process.
# Helpers share the model by forking, and a page of memory a helper touches becomes its own, so
# what helpers cost grows with the model, not with the pages they render: at 100,000 papers,
# two helpers rendering 2,304 pages held 570 MiB of their own.
HELPED_SHARE = 10


def build_steps(
    options: BuildOptions,
    progress: Progress | None = None,
    previous: SiteState | None = None,
    dumps: DumpCache | None = None,
    keep_state: bool = False,
    first: frozenset[str] = frozenset(),
) -> Generator[Pause, None, BuildResult]:
    """:func:`build_site`, in steps: a rebuild (given ``previous``) pauses once its pages are in
    place, yielding their paths, so a browser can reload before the search index, publishing
    files and export are made; a full build runs to the end without pausing. ``keep_state``:
    the caller rebuilds from this build's state later, so an output already up to date is
    built all the same (its result would have no state). ``first``: the output paths of pages
    a browser shows; a rebuild renders those before it works out which other pages changed,
    and pauses once those of them that changed are in place too."""
    started = time.perf_counter()
    check_output_target(options.output, options.source, contents=False)
    theme = find_theme(options.source)
    settings = f"base_url={options.base_url}"
    inputs = input_digest((options.source, theme.templates, theme.static), settings)
    recorded = recorded_build(options.output) if previous is None else None
    built = recorded.inputs if recorded is not None else None
    if recorded is not None and not keep_state and built == inputs and recorded.summary:
        return _up_to_date(options, recorded.summary, started)  # nothing written or removed
    code = input_digest((), settings) if options.cache else ""
    last = (previous.corpus, previous.model) if previous and previous.model else None
    watch = Stopwatch()
    with watch.stage("read"):
        site = _read(options, dumps, last, fresh=previous is None)
    if previous is None and built is not None and code:  # loaded after reading (see _read)
        with watch.stage("last state"):
            previous = load_state(options.output, code, built)
    if previous is None or not (options.output / MARKER).is_file():
        check_output_target(options.output, options.source)  # an update touches only its own files
    # A model updated for new abstracts has the last one's ids, people, titles and order.
    updated = previous if previous is not None and site.new_abstracts is not None else None
    renderer = Renderer(theme.templates, site.config, site.pages)
    writer = SiteWriter(options.output, update=previous is not None)
    writer.inputs = inputs
    with watch.stage("views"), collector_paused():  # tables of the model, compared: no cycles
        earlier = (previous.corpus, previous.tables) if previous is not None else None
        tables = updated.tables if updated is not None else view_tables(site.corpus, earlier)
        views = SiteViews(site.corpus, site.config, site.pages, tables)
        state = SiteState.of(views, theme.templates, site.model)
        if previous is not None and writer.update:
            renderer.fragments.rendered.update(reusable_fragments(previous, state))
    # The preview server keeps the abstracts' plain text for the next rebuild's search index.
    keep_texts = site.model is not None or options.cache
    texts = dict(previous.abstract_texts if previous else {}) if keep_texts else None
    try:
        report = (lambda done, total: progress("pages", done, total)) if progress else None
        early = writer.update  # a rebuild shows its pages first, then makes the rest
        shifts = moved_pages(previous.corpus, site.corpus) if previous and early else {}
        moved = tuple(shifts.items())
        first = first | {new for old, new in moved if old in first}  # followed by their tabs
        # The pages open in a tab are rendered before anything else is worked out (they are
        # few), and shown at once when they changed.
        shows_first = early and not options.strict
        ahead = pages_at(first, site.corpus, site.pages) if shows_first else []
        parts = []
        if ahead:
            with watch.stage("pages"):
                rendered = render_pages(RenderJob(renderer, views, ahead, writer.staging), 1)
            parts.append(rendered._replace(written=writer.drop_unchanged(rendered.written)))
            if parts[0].written:
                writer.move_staged(interim=True)
                yield Pause(tuple(parts[0].written), moved)
        with watch.stage("changes"), collector_paused():
            if updated is not None and updated.markdown == tuple(site.pages):
                pages = list(updated.pages)
            else:
                pages = site_pages(site.corpus, site.pages)
            state = replace(state, pages=tuple(pages))
            todo = pages
            if previous is not None and writer.update:
                todo = pages_to_render(previous, state, pages, renderer.env, site.new_abstracts)
        behind = [page for page in todo if page not in ahead] if ahead else todo
        corpus, config = site.corpus, site.config
        # What is left to use of the last build: its products and the problems of the pages
        # not rendered again. The rest, its model and tables, is as large as the new ones, and
        # in a command-line rebuild this holds its only reference: freed before rendering.
        last_problems = previous.page_problems if previous is not None else {}
        last_products = rebased_products(previous, corpus) if previous is not None else {}
        previous = updated = earlier = None
        return_free_memory()
        made: dict[str, Product] = {}

        def site_wide_files(texts_ready: TextsReady) -> None:  # made while the pages render
            def abstract_texts() -> dict[str, str]:
                known = texts if texts is not None else {}
                by_id = corpus.papers_by_id
                known.update({by_id[pid].abstract: text for pid, text in texts_ready().items()})
                return known

            sitemap_urls = page_urls_for_sitemap(page.path for page in pages)
            made.update(
                _site_wide_products(
                    last_products, corpus, config, sitemap_urls, abstract_texts, writer, watch
                )
            )
            return_free_memory()  # what making the search index took: before rendering here

        job = RenderJob(renderer, views, behind, writer.staging)
        jobs = options.jobs if len(behind) * HELPED_SHARE >= len(pages) else 1
        with watch.stage("pages"):
            meanwhile = (lambda _: None) if early else site_wide_files
            parts.append(render_pages(job, jobs, report, meanwhile))
        rendered = Rendered.joined(parts)
        found = rendered.problems
        writer.written += rendered.written
        todo = [*ahead, *behind]
        page_problems = _page_problems(last_problems, pages, todo, found)
        rendering = [p for found_here in page_problems.values() for p in found_here]
        problems = acknowledge(sorted({*site.problems, *rendering}), site.curation)
        if options.strict and any(not p.acknowledged for p in problems):
            raise BuildFailed([p for p in problems if not p.acknowledged])
        if early:
            writer.move_staged(interim=True)
            yield Pause(tuple(parts[-1].written), moved)
            site_wide_files(lambda: rendered.texts)
        writer.site_files.update(path for page in pages for path in page.files)
        made["export"] = _product(
            last_products,
            "export",
            (corpus.papers, corpus.people, tuple(problems)),
            lambda: [("corpus.json", _export_json(corpus, problems))],
            writer,
            watch,
        )
        writer.copy_tree(theme.static, "static")
        writer.summary = build_summary(corpus, problems)
        if writer.update:
            writer.commit_update()
        else:
            writer.commit()
    except BaseException:
        writer.abort()
        raise
    kept = replace(
        state,
        page_problems=page_problems,
        fragments=renderer.fragments.rendered,
        products=made,
        abstract_texts=_current(texts, corpus),
    )
    if code:
        with watch.stage("state"):
            save_state(options.output, code, inputs, kept)
    return BuildResult(
        papers=len(site.corpus.papers),
        authors=len(site.corpus.people),
        pages=len(pages),
        problems=tuple(problems),
        seconds=time.perf_counter() - started,
        output=options.output,
        written=tuple(writer.written),
        rendered=len(todo),
        state=kept,
        timings=tuple(watch.stages),
    )


def _site_wide_products(
    last: Mapping[str, Product],
    corpus: Corpus,
    config: SiteConfig,
    sitemap_urls: list[str],
    abstract_texts: Callable[[], dict[str, str]],
    writer: SiteWriter,
    watch: Stopwatch,
) -> dict[str, Product]:
    """The search index, and the publishing files (sitemap, robots.txt, feed, OpenSearch),
    written. ``abstract_texts``: the plain text of abstracts already made (by the pages'
    renderers)."""
    return {
        "search": _product(
            last,
            "search",
            (corpus.papers, corpus.people),
            lambda: search_index_files(search_docs(corpus, abstract_texts())),
            writer,
            watch,
        ),
        "publish": _product(
            last,
            "publish",
            (corpus.papers, corpus.people, config, tuple(sitemap_urls)),
            lambda: publish_files(corpus, config, sitemap_urls).items(),
            writer,
            watch,
        ),
    }


def _current(texts: dict[str, str] | None, corpus: Corpus) -> dict[str, str]:
    """The plain texts of the abstracts this corpus still has."""
    if not texts:
        return {}
    return {p.abstract: texts[p.abstract] for p in corpus.papers if p.abstract in texts}


def _export_json(corpus: Corpus, problems: list[Problem]) -> bytes:
    with collector_paused():  # many small acyclic structures, then their JSON
        return corpus_json(corpus, problems)


def _product(
    last: Mapping[str, Product],
    name: str,
    inputs: object,
    make: Callable[[], Iterable[tuple[str, bytes]]],
    writer: SiteWriter,
    watch: Stopwatch,
) -> Product:
    """Files made from ``inputs``, written: the previous build's, kept in place, when its inputs
    were equal (the makers are pure and deterministic, so they would make the same bytes); else
    made now (timed as the stage ``name``), each written as it comes. ``last``: the products
    of the last build, if any."""
    old = last.get(name)
    if old is not None and old.inputs == inputs and writer.keep(old.paths):
        return old
    with watch.stage(name):
        paths = []
        for path, data in make():
            writer.write(path, data)
            paths.append(path)
        return Product(inputs, tuple(sorted(paths)))


def _up_to_date(options: BuildOptions, summary: str, started: float) -> BuildResult:
    """The result of a build whose inputs are those of the build already in ``output``, which
    recorded ``summary`` (see :func:`scholarsite.export.build_summary`)."""
    data = json.loads(summary)
    problems = tuple(
        Problem(w["file"], w["line"], w["message"], w["acknowledged"]) for w in data["warnings"]
    )
    if options.strict and any(not p.acknowledged for p in problems):
        raise BuildFailed([p for p in problems if not p.acknowledged])
    return BuildResult(
        papers=data["papers"],
        authors=data["authors"],
        pages=0,
        problems=problems,
        seconds=time.perf_counter() - started,
        output=options.output,
        up_to_date=True,
    )


def _page_problems(
    last: Mapping[str, tuple[Problem, ...]],
    pages: list[OutputPage],
    rendered: list[OutputPage],
    found: list[tuple[str, Problem]],
) -> dict[str, tuple[Problem, ...]]:
    """Problems by page: fresh ones for rendered pages, the last build's (``last``) for the
    others."""
    result: dict[str, list[Problem]] = {}
    if last:
        fresh = {page.path for page in rendered}
        for page in pages:
            if page.path not in fresh and page.path in last:
                result[page.path] = list(last[page.path])
    for path, problem in found:
        result.setdefault(path, []).append(problem)
    return {path: tuple(problems) for path, problems in result.items()}


def search_docs(corpus: Corpus, texts: dict[str, str] | None = None) -> list[SearchDoc]:
    """The documents of the search index. ``texts``: the plain text of abstracts made before
    (parsing abstracts is most of the work), used and added to."""
    known: dict[str, str] = {} if texts is None else texts

    def plain(abstract: str) -> str:
        text = known.get(abstract)
        if text is None:
            text = known[abstract] = abstract_plain_text(abstract)
        return text

    docs = []
    for paper in corpus.papers:
        names = [corpus.people_by_id[pid].name or "Unnamed profile" for pid in paper.authors]
        shown = ", ".join(names[:3]) + (f", … ({len(names)} authors)" if len(names) > 3 else "")
        text = plain(paper.abstract)
        docs.append(
            SearchDoc(
                kind="paper",
                url=paper.url,
                title=paper.title or "Untitled: " + " ".join(text.split()[:12]) + "…",
                authors=tuple(names),
                text=text,
                arxiv=paper.arxiv,
                year=paper.year,
                variants=(),
                detail=" · ".join(x for x in (str(paper.year or ""), shown) if x),
            )
        )
    for person in corpus.people:
        count = len(person.papers)
        docs.append(
            SearchDoc(
                kind="person",
                url=person.url,
                title=person.name or "Unnamed profile",
                authors=(),
                text="",
                arxiv=None,
                year=None,
                variants=person.variants,
                detail=f"{count} paper{'s' if count != 1 else ''}",
            )
        )
    return docs


__all__ = [
    "BuildOptions",
    "BuildResult",
    "OutputPage",
    "Pause",
    "build_site",
    "build_steps",
    "read_site",
    "run_to_end",
    "search_docs",
]
