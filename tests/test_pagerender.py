"""Rendering in worker processes: which workers render which pages, and what comes back."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scholarsite import pagerender
from scholarsite.build import read_site
from scholarsite.pagerender import RenderJob, page_context, render_pages
from scholarsite.render import Renderer, site_pages
from scholarsite.theme import find_theme
from scholarsite.views import SiteViews

ROOT = Path(__file__).resolve().parent.parent


def shipped_job(staging: Path) -> RenderJob:
    source = ROOT / "site_src"
    site = read_site(source)
    renderer = Renderer(find_theme(source).templates, site.config, site.pages)
    views = SiteViews(site.corpus, site.config, site.pages)
    return RenderJob(renderer, views, site_pages(site.corpus, site.pages), staging)


# Run in a process of its own: workers are forked only from a process with no other threads,
# which a test process cannot promise. Each span of pages leaves a file named by the process it
# ran in, in a folder for its half, after waiting (a while at most) until another process has
# rendered a span of the same half too.
WHO_RENDERS = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from scholarsite import pagerender
    from scholarsite.pagerender import Rendered, render_pages
    sys.path.insert(0, sys.argv[1])
    from test_pagerender import shipped_job

    def who_renders(bounds):
        papers = bounds[0] < pagerender._papers_end(pagerender._JOB.pages)
        seen = Path(sys.argv[3]) / ("papers" if papers else "rest")
        seen.mkdir(parents=True, exist_ok=True)
        (seen / str(os.getpid())).touch()
        waited = time.monotonic() + 30
        while len(list(seen.iterdir())) < 2 and time.monotonic() < waited:
            time.sleep(0.01)
        return Rendered([], [], {})

    pagerender._render_range = who_renders
    job = shipped_job(Path(sys.argv[2]))
    reported = []
    rendered = render_pages(job, 2, lambda done, total: reported.append((done, total)))
    json.dump({"parent": os.getpid(), "reported": reported, "pages": len(job.pages)}, sys.stdout)
    """
)


def test_each_half_of_the_site_gets_helpers_of_its_own(tmp_path: Path) -> None:
    """Given two jobs, two forked helpers render the papers' pages, the parent none (so that
    helpers forked from it later find no holes to fill in its heap); the people's pages get a
    helper forked afresh, beside the parent, so no helper carries the memory it grew rendering
    the papers into the second half of the site."""
    staging, seen = tmp_path / "staging", tmp_path / "seen"
    done = subprocess.run(
        [sys.executable, "-c", WHO_RENDERS, str(Path(__file__).parent), str(staging), str(seen)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout)
    renderers = {
        half: {int(f.name) for f in (seen / half).iterdir()} for half in ("papers", "rest")
    }
    parent = found["parent"]
    assert parent not in renderers["papers"] and len(renderers["papers"]) == 2
    assert parent in renderers["rest"] and len(renderers["rest"] - {parent}) == 1
    assert renderers["papers"].isdisjoint(renderers["rest"])
    reported = [tuple(pair) for pair in found["reported"]]
    assert reported[-1] == (found["pages"], found["pages"])  # both sets counted as one build
    assert [done for done, _ in reported] == sorted(done for done, _ in reported)


def test_the_search_index_waits_for_the_papers_texts(tmp_path: Path) -> None:
    """What the parent does meanwhile gets every paper's abstract text, and the pages are all
    written."""
    job = shipped_job(tmp_path)
    seen: dict[str, str] = {}
    rendered = render_pages(job, 2, meanwhile=lambda texts: seen.update(texts()))
    papers = {page.key for page in job.pages if page.kind == "paper"}
    assert seen.keys() == papers
    assert all(seen.values())
    assert len(rendered.written) == sum(len(page.files) for page in job.pages)
    assert all((tmp_path / path).is_file() for path in rendered.written)


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_texts_are_handed_over_once(tmp_path: Path, jobs: int) -> None:
    """Texts taken by what is done meanwhile are not kept for the result as well (so they can
    be freed once the search index is made); texts no one took come back in the result."""
    job = shipped_job(tmp_path / "taken")
    taken: list[dict[str, str]] = []
    rendered = render_pages(job, jobs, meanwhile=lambda texts: taken.append(texts()))
    papers = {page.key for page in job.pages if page.kind == "paper"}
    assert taken[0].keys() == papers
    assert rendered.texts == {}
    kept = render_pages(shipped_job(tmp_path / "kept"), jobs)
    assert kept.texts == taken[0]


# In a process of its own (for the same reason as above), with its own temporary folder.
SPOOLED_TEXTS = textwrap.dedent(
    """
    import json, multiprocessing, sys, tempfile
    from pathlib import Path
    from scholarsite.pagerender import render_pages
    sys.path.insert(0, sys.argv[1])
    from test_pagerender import shipped_job

    spool = Path(sys.argv[3])
    seen = {}

    def search_index(texts):
        seen["helpers"] = len(multiprocessing.active_children())  # the second set, forked
        seen["spooled"] = [len(list(f.iterdir())) for f in spool.iterdir()]
        seen["texts"] = texts()

    tempfile.tempdir = str(spool)
    job = shipped_job(Path(sys.argv[2]))
    rendered = render_pages(job, 2, meanwhile=search_index)
    papers = sorted(page.key for page in job.pages if page.kind == "paper")
    json.dump({"seen": seen, "left": rendered.texts, "papers": papers,
               "after": [f.name for f in spool.iterdir()]}, sys.stdout)
    """
)


def test_the_helpers_spool_the_texts_until_the_second_set_is_forked(tmp_path: Path) -> None:
    """The helpers of the papers' pages write the texts to files, one per helper, read when the
    search index asks for them, which is once the helpers of the other pages are forked: they
    are never in a heap those share. The files are gone afterwards."""
    spool = tmp_path / "tmp"
    spool.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SPOOLED_TEXTS, str(Path(__file__).parent), str(tmp_path / "out"),
         str(spool)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout)
    seen = found["seen"]
    assert seen["helpers"] == 1 and seen["spooled"] == [2]
    assert sorted(seen["texts"]) == found["papers"]
    assert all(seen["texts"].values())
    assert found["left"] == {} and found["after"] == []


def test_spans_tile_the_pages_and_none_is_long() -> None:
    """A process idles at the end of each half for at most one span's time; a small site still
    gets several spans per process."""
    for start, end, workers in [(0, 100_000, 2), (100_000, 203_000, 2), (5, 905, 2), (0, 40, 4)]:
        spans = pagerender._chunks_in(start, end, workers)
        assert spans[0][0] == start and spans[-1][1] == end
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
        longest = max(stop - begin for begin, stop in spans)
        assert longest <= pagerender.SPAN_PAGES
        assert longest <= -(-(end - start) // (workers * pagerender.CHUNKS_PER_JOB))


def test_a_problem_in_an_abstract_names_the_line_the_abstract_is_on(tmp_path: Path) -> None:
    source = tmp_path / "site_src"
    (source / "corpus").mkdir(parents=True)
    (source / "corpus" / "a.txt").write_text(
        "Doe, Jane\nA title\nDoe, Jane, Roe, Rick\nWe show $\\unknowncommand$ holds.\n"
        "Another title\nDoe, Jane\nNothing to typeset here.\n"
    )
    (source / "corpus" / "b.txt").write_text("Tony\nAbstract:A $\\alsounknown$ formula.\n")
    site = read_site(source)
    views = SiteViews(site.corpus, site.config, site.pages)
    papers = [page for page in site_pages(site.corpus, site.pages) if page.kind == "paper"]
    found = {str(problem) for page in papers for problem in page_context(views, page)[1]}
    assert {p.split(": formula")[0] for p in found} == {"corpus/a.txt:4", "corpus/b.txt:2"}
