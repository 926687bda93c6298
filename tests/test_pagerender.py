"""Rendering in worker processes: which workers render which pages, and what comes back."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from scholarsite.build import read_site
from scholarsite.pagerender import RenderJob, render_pages
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
# which a test process cannot promise. Each chunk of pages reports the worker it ran in.
WHO_RENDERS = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from scholarsite import pagerender
    from scholarsite.pagerender import Rendered, render_pages
    sys.path.insert(0, sys.argv[1])
    from test_pagerender import shipped_job

    def who_renders(bounds):
        kinds = {page.kind for page in pagerender._JOB.pages[bounds[0] : bounds[1]]}
        return Rendered([f"{os.getpid()} {kind}" for kind in sorted(kinds)], [], {})

    pagerender._render_range = who_renders
    job = shipped_job(Path(sys.argv[2]))
    reported = []
    rendered = render_pages(job, 2, lambda done, total: reported.append((done, total)))
    json.dump({"parent": os.getpid(), "lines": rendered.written, "reported": reported,
               "pages": len(job.pages)}, sys.stdout)
    """
)


def test_no_worker_renders_both_papers_and_people(tmp_path: Path) -> None:
    """The people's pages get workers forked afresh, so no worker carries the memory it
    grew rendering the papers into the second half of the site."""
    done = subprocess.run(
        [sys.executable, "-c", WHO_RENDERS, str(Path(__file__).parent), str(tmp_path)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    found = json.loads(done.stdout)
    workers: dict[str, set[int]] = {}
    for line in found["lines"]:
        pid, kind = line.split()
        workers.setdefault(kind, set()).add(int(pid))
    assert {"paper", "person"} <= workers.keys()
    assert found["parent"] not in set().union(*workers.values())  # rendered in workers
    assert workers["paper"].isdisjoint(workers["person"])
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
