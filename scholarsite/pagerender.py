"""Rendering every page, in worker processes when there are many.

Helpers are forked after the model and views exist, so they inherit them instead of receiving
pickled copies. The parent and its helpers take contiguous spans of pages one at a time, render
each (with the citation files beside its pages) straight into the staging directory, and the
helpers send back only the paths they wrote and the problems they met. The papers' pages and the
others get helpers of their own (see :func:`_in_workers`); in the second half the parent makes
the site-wide files before it takes spans.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from scholarsite.errors import Problem
from scholarsite.output import make_folder, write_file
from scholarsite.publish import paper_downloads, person_downloads
from scholarsite.render import OutputPage, Renderer
from scholarsite.views import PersonView, SiteViews, Spliced
from scholarsite.workers import worker_count

PARALLEL_THRESHOLD = 400  # below this many pages, forking costs more than it saves
# Spans are taken as they come. Each process gets several (a small site's work ends evenly),
# and none is long: when the last span is taken, the other processes finish theirs and stop, so
# the longer a span, the longer a core can idle at the end of each half of the site.
CHUNKS_PER_JOB = 8
SPAN_PAGES = 200


@dataclass(frozen=True)
class RenderJob:
    renderer: Renderer
    views: SiteViews
    pages: list[OutputPage]
    staging: Path


_JOB: RenderJob | None = None  # set in the parent just before forking; read by the workers


def page_context(views: SiteViews, page: OutputPage) -> tuple[dict[str, Any], list[Problem]]:
    """The template values of one page, and the problems met making them."""
    corpus = views.corpus
    if page.kind == "paper":
        paper = corpus.papers_by_id[page.key]
        view, messages = views.paper(paper)
        at = paper.abstract_source or paper.sources[0]  # the messages are the abstract's
        return {"paper": view}, [Problem(at.file, at.line, m) for m in messages]
    if page.kind == "person":
        return {"person": views.person(corpus.people_by_id[page.key])}, []
    if page.kind == "page":
        return {"page": next(p for p in views.pages if p.name == page.key)}, []
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "home": views.home,
        "papers": views.papers,
        "authors": views.authors,
    }
    return (makers[page.kind]() if page.kind in makers else {}), []


def page_splices(context: dict[str, Any]) -> tuple[Spliced, ...]:
    """What the renderer puts into a page's bytes after rendering it (see :class:`Spliced`)."""
    person = context.get("person")
    return person.splices if isinstance(person, PersonView) else ()


def page_downloads(views: SiteViews, page: OutputPage, context: dict[str, Any]) -> dict[str, bytes]:
    """The citation files beside a page (``page.downloads`` names them), made from its view."""
    if page.kind == "paper":
        view = context["paper"]
        files = paper_downloads(view.bibtex, view.ris)
    elif page.kind == "person":
        papers = views.corpus.people_by_id[page.key].papers
        files = person_downloads([views.bibtex(pid) for pid in papers])
    else:
        files = {}
    assert tuple(files) == page.downloads, f"{page.path}: downloads {tuple(files)}"
    folder = page.path.removesuffix("index.html")
    return {folder + name: data for name, data in files.items()}


PageProblems = list[tuple[str, Problem]]  # (page path, problem met rendering it)
Texts = dict[str, str]  # a paper's id -> its abstract as plain text


class Rendered(NamedTuple):
    """What rendering some pages gives back: the paths written (made by :func:`render_pages`
    from the pages, rather than sent back by each process), the problems met, and the plain
    text of each paper's abstract (made for its page; the search index wants it too)."""

    written: list[str]
    problems: PageProblems
    texts: Texts

    @classmethod
    def joined(cls, parts: list[Rendered]) -> Rendered:
        texts: Texts = {}
        for part in parts:
            texts.update(part.texts)
        return cls(
            [path for part in parts for path in part.written],
            [found for part in parts for found in part.problems],
            texts,
        )


def _render_range(bounds: tuple[int, int]) -> Rendered:
    job = _JOB
    assert job is not None, "render workers start only from render_pages"
    done = Rendered([], [], {})
    root = f"{job.staging}/"
    for page in job.pages[bounds[0] : bounds[1]]:
        context, found = page_context(job.views, page)
        done.problems.extend((page.path, problem) for problem in found)
        make_folder(root + os.path.dirname(page.path))
        write_file(root + page.path, job.renderer.render(page, context, page_splices(context)))
        for path, data in page_downloads(job.views, page, context).items():
            write_file(root + path, data)
        if page.kind == "paper":
            done.texts[page.key] = context["paper"].abstract_text
    return done


def _chunks(total: int, count: int) -> list[tuple[int, int]]:
    size = max(1, -(-total // count))
    return [(start, min(start + size, total)) for start in range(0, total, size)]


TextsReady = Callable[[], Texts]  # waits for the papers' pages, then gives their abstracts' texts


class _Handover:
    """The papers' abstract texts, given to the first to take them: ``meanwhile`` (which makes
    the search index of them), or else the caller, in the result. Whoever takes them holds the
    only reference, so they can be freed as soon as that one is done with them, not only when
    the whole site is. Those that helpers left in ``spool`` are read when taken."""

    def __init__(self, texts: Texts, spool: Path | None = None) -> None:
        self.texts = texts
        self.spool = spool

    def take(self) -> Texts:
        texts, self.texts = self.texts, {}
        if self.spool is not None:
            for path in sorted(self.spool.iterdir()):
                with path.open("rb") as spooled:
                    texts.update(pickle.load(spooled))
                path.unlink()
            self.spool = None
        return texts


def render_pages(
    job: RenderJob,
    jobs: int | None,
    progress: Callable[[int, int], None] | None = None,
    meanwhile: Callable[[TextsReady], None] = lambda texts: None,
) -> Rendered:
    """Render every page of ``job`` into its staging directory.

    ``meanwhile`` is other work of the build: the parent process does it while the workers
    render (or does it afterwards, when the pages are rendered in this process); it is given
    a function that waits until the papers' pages are done and gives their abstracts' plain
    text (the workers render the papers first). The texts it takes are not in the result too."""
    global _JOB
    total = len(job.pages)
    workers = worker_count(jobs, total, 100) if total >= PARALLEL_THRESHOLD else 1
    _JOB = job
    try:
        if workers == 1:
            result = _in_process(total, progress)
            texts = _Handover(result.texts)
            result = result._replace(texts={})
            meanwhile(texts.take)
            result = result._replace(texts=texts.take())
        else:
            result = _in_workers(job, workers, progress, meanwhile)
    finally:
        _JOB = None
    return result._replace(written=[path for page in job.pages for path in page.files])


def _in_process(total: int, progress: Callable[[int, int], None] | None) -> Rendered:
    parts = []
    for bounds in _chunks(total, 20):
        parts.append(_render_range(bounds))
        if progress:
            progress(bounds[1], total)
    return Rendered.joined(parts)


def _in_workers(
    job: RenderJob,
    workers: int,
    progress: Callable[[int, int], None] | None,
    meanwhile: Callable[[TextsReady], None],
) -> Rendered:
    """The papers' pages by a set of helpers, then the other pages by this process and a set
    of helpers forked for them: a helper's memory grows with every page it renders (reading the
    model writes to the memory it shares with the parent), so no helper lives through the whole
    site, and those of the second set are at their smallest while the parent makes the search
    index. This process renders none of the papers' pages, so that when the second set is
    forked from it, it holds neither the caches nor the garbage of rendering them (at 100,000
    papers the second half peaked at 1,440 MiB instead of 1,600 MiB), nor the abstracts' texts:
    the helpers spool those to files, read once the second set is forked. The search index
    reads them; had they been in the heap the second set shares, the pages holding them would
    be copied, and the helper would keep its copy until it ends (1,394 MiB against 1,493 MiB)."""
    total = len(job.pages)
    split = _papers_end(job.pages)
    counted = _Progress(total, progress)
    with tempfile.TemporaryDirectory(prefix="scholarsite-texts-") as folder:
        spool = Path(folder)
        papers = _render_spans(workers, _chunks_in(0, split, workers), counted, None, spool)
        texts = _Handover(papers.texts, spool)
        rest = _render_spans(
            workers, _chunks_in(split, total, workers), counted, lambda: meanwhile(texts.take)
        )
        return Rendered.joined([papers._replace(texts=texts.take()), rest])


def _render_spans(
    workers: int,
    spans: list[tuple[int, int]],
    counted: _Progress,
    meanwhile: Callable[[], None] | None,
    spool: Path | None = None,
) -> Rendered:
    """Render these spans of the job's pages in forked helpers, each taking the next span left
    until none is. Given ``meanwhile``, this process does it, then takes spans too, with one
    helper fewer: a page of memory that a helper reads becomes a copy of its own, while this
    process reads its own pages, so rendering here too keeps one copy of the model fewer than
    rendering only in helpers would. Without, it only waits for the helpers. Given ``spool``,
    the helpers write the abstracts' texts they made to files there instead of sending them
    back."""
    if not spans:
        if meanwhile:
            meanwhile()
        return Rendered([], [], {})
    context = multiprocessing.get_context("fork")
    taken, pages = context.Value("i", 0, lock=True), context.Value("i", 0, lock=True)
    share = _Share(taken, pages, spans, spool)
    helpers = max(1, min(workers, len(spans)) - (meanwhile is not None))
    global _SHARE
    _SHARE = share  # inherited by the helpers: shared counts cannot be pickled
    gc.freeze()  # collections in the helpers never write to the memory they share; nor here
    try:
        with ProcessPoolExecutor(helpers, mp_context=context) as pool:
            futures = [pool.submit(_helper) for _ in range(helpers)]  # forks them
            with counted.watching(share.pages):
                try:
                    here = []
                    if meanwhile:
                        meanwhile()
                        here = _take_spans(share)
                    found = [here, *(future.result() for future in futures)]
                except BaseException:
                    share.stop()
                    raise
    finally:
        gc.unfreeze()
        _SHARE = None
    results = {span: part for parts in found for span, part in parts}
    return Rendered.joined([results[span] for span in sorted(results)])


class _Share(NamedTuple):
    """What the processes rendering a set of spans share: the next span to take, the pages
    rendered so far, and where helpers leave the texts they made, if not in their results."""

    taken: Any  # multiprocessing.Value("i"): the index of the next span in ``spans``
    pages: Any  # multiprocessing.Value("i")
    spans: list[tuple[int, int]]
    spool: Path | None

    def take(self) -> tuple[int, int] | None:
        with self.taken.get_lock():
            number = self.taken.value
            self.taken.value = number + 1
        return self.spans[number] if number < len(self.spans) else None

    def stop(self) -> None:
        with self.taken.get_lock():
            self.taken.value = len(self.spans)


_SHARE: _Share | None = None  # set in the parent just before forking helpers


def _helper() -> list[tuple[tuple[int, int], Rendered]]:
    share = _SHARE
    assert share is not None, "helpers start only from _render_spans"
    done = _take_spans(share)
    if share.spool is None:
        return done
    texts = {key: text for _, part in done for key, text in part.texts.items()}
    with (share.spool / str(os.getpid())).open("wb") as spooled:
        pickle.dump(texts, spooled, protocol=pickle.HIGHEST_PROTOCOL)
    return [(span, part._replace(texts={})) for span, part in done]


def _take_spans(share: _Share) -> list[tuple[tuple[int, int], Rendered]]:
    """Render the spans this process takes, until none is left."""
    done = []
    while (span := share.take()) is not None:
        done.append((span, _render_range(span)))
        with share.pages.get_lock():
            share.pages.value += span[1] - span[0]
    return done


def _papers_end(pages: list[OutputPage]) -> int:
    """Where the pages after the last paper's begin (the papers come first)."""
    return max((number + 1 for number, page in enumerate(pages) if page.kind == "paper"), default=0)


def _chunks_in(start: int, end: int, workers: int) -> list[tuple[int, int]]:
    count = max(workers * CHUNKS_PER_JOB, -(-(end - start) // SPAN_PAGES))
    return [(start + a, start + b) for a, b in _chunks(end - start, count)]


class _Progress:
    """Pages done in all sets of spans, reported from a thread of this process while a set is
    rendered (this process renders too, and makes the site-wide files)."""

    INTERVAL = 0.1  # seconds between looks at the count

    def __init__(self, total: int, progress: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.progress = progress
        self.done = 0  # in the sets of spans already rendered

    @contextmanager
    def watching(self, pages: Any) -> Iterator[None]:
        """Report the pages done while the block runs: those before it, and ``pages.value``
        (a shared count the block's renderers add to)."""
        ended = threading.Event()
        reported = self.done

        def report() -> None:
            nonlocal reported
            now = self.done + pages.value
            if self.progress and now != reported:
                reported = now
                self.progress(now, self.total)

        def watch() -> None:
            while not ended.wait(self.INTERVAL):
                report()

        watcher = threading.Thread(target=watch, name="render-progress", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            ended.set()
            watcher.join()
            report()
            self.done += pages.value
