"""Rendering in worker processes: which workers render which pages, and what comes back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scholarsite import pagerender
from scholarsite.build import read_site
from scholarsite.pagerender import Rendered, RenderJob, render_pages
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


def who_renders(bounds: tuple[int, int]) -> Rendered:
    """In place of rendering some pages: which process had them, and their kinds."""
    job = pagerender._JOB
    assert job is not None
    kinds = {page.kind for page in job.pages[bounds[0] : bounds[1]]}
    return Rendered([f"{os.getpid()} {kind}" for kind in sorted(kinds)], [], {})


def test_no_worker_renders_both_papers_and_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The people's pages get workers forked afresh, so no worker carries the memory it
    grew rendering the papers into the second half of the site."""

    monkeypatch.setattr(pagerender, "_render_range", who_renders)  # the forked workers see it
    job = shipped_job(tmp_path)
    reported: list[tuple[int, int]] = []
    rendered = render_pages(job, 2, lambda done, total: reported.append((done, total)))
    workers: dict[str, set[str]] = {}
    for line in rendered.written:
        pid, kind = line.split()
        workers.setdefault(kind, set()).add(pid)
    assert {"paper", "person"} <= workers.keys()
    assert str(os.getpid()) not in set().union(*workers.values())  # rendered in workers
    assert workers["paper"].isdisjoint(workers["person"])
    assert reported[-1] == (len(job.pages), len(job.pages))  # both sets counted as one build
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
