"""Rebuilds that render only what changed, and still equal a cold build byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

from scholarsite.build import BuildOptions, BuildResult, build_site


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def rebuild_and_compare(source: Path, tmp_path: Path, first: BuildResult) -> BuildResult:
    again = build_site(BuildOptions(source, tmp_path / "live"), previous=first.state)
    cold = build_site(BuildOptions(source, tmp_path / "cold"))
    assert tree(tmp_path / "live") == tree(tmp_path / "cold")
    return again


def test_nothing_changed_renders_only_list_pages(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 6  # home, papers, authors, search, 404, about
    lists = {"papers/index.html", "authors/index.html"}
    assert not [p for p in again.written if p.startswith(("papers/", "authors/")) and p not in lists]


def test_a_curated_title_renders_its_paper_and_its_authors(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    curation = site_copy / "curation.yaml"
    curation.write_text(
        curation.read_text().replace("Learn2Hop: Learned", "Learn2Hop: Learnt"), encoding="utf-8"
    )
    again = rebuild_and_compare(site_copy, tmp_path, first)
    pages = {p for p in again.written if p.endswith("index.html")}
    assert "papers/learn2hop-learnt-optimization-on-rough-landscapes/index.html" in pages
    assert "authors/sam-schoenholz/index.html" in pages
    assert "authors/cheng-lu/index.html" not in pages
    assert again.rendered < 20
    assert not (tmp_path / "live/papers/learn2hop-learned-optimization-on-rough-landscapes").exists()


def test_a_template_change_renders_the_pages_using_it(site_copy: Path, tmp_path: Path) -> None:
    theme = site_copy.parent / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", theme)
    shutil.copytree(Path(__file__).resolve().parent.parent / "static", site_copy.parent / "static")
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    page = theme / "page.html"
    page.write_text(page.read_text().replace('<article class="prose">', '<article class="prose x">'))
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 6  # the about page, and the list pages that are always rendered
    assert "about/index.html" in again.written
    assert 'class="prose x"' in (tmp_path / "live/about/index.html").read_text()
