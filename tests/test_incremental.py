"""Rebuilds that render only what changed, and still equal a cold build byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scholarsite.build import BuildOptions, BuildResult, build_site
from scholarsite.errors import BuildFailed


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def rebuild_and_compare(source: Path, tmp_path: Path, first: BuildResult) -> BuildResult:
    again = build_site(BuildOptions(source, tmp_path / "live"), previous=first.state)
    build_site(BuildOptions(source, tmp_path / "cold"))
    assert tree(tmp_path / "live") == tree(tmp_path / "cold")
    return again


def test_nothing_changed_renders_only_list_pages(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 6  # home, papers, authors, search, 404, about
    lists = {"papers/index.html", "authors/index.html"}
    assert not [
        p for p in again.written if p.startswith(("papers/", "authors/")) and p not in lists
    ]


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
    assert not (
        tmp_path / "live/papers/learn2hop-learned-optimization-on-rough-landscapes"
    ).exists()


def test_a_template_change_renders_the_pages_using_it(site_copy: Path, tmp_path: Path) -> None:
    theme = site_copy.parent / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", theme)
    shutil.copytree(Path(__file__).resolve().parent.parent / "static", site_copy.parent / "static")
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    page = theme / "page.html"
    page.write_text(
        page.read_text().replace('<article class="prose">', '<article class="prose x">')
    )
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 6  # the about page, and the list pages that are always rendered
    assert "about/index.html" in again.written
    assert 'class="prose x"' in (tmp_path / "live/about/index.html").read_text()
    # The corpus did not change: the search index and the export are the last build's.
    assert not [p for p in again.written if p.startswith("search/idx/") or p == "corpus.json"]


def test_a_second_build_with_nothing_changed_stops_at_once(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "out"))
    before = tree(tmp_path / "out")
    again = build_site(BuildOptions(site_copy, tmp_path / "out"))
    assert again.up_to_date and not first.up_to_date
    assert (again.papers, again.authors) == (first.papers, first.authors)
    assert again.problems == first.problems
    assert tree(tmp_path / "out") == before


def test_any_change_or_a_missing_output_file_builds_again(site_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(BuildOptions(site_copy, out))
    (out / "about" / "index.html").unlink()
    assert not build_site(BuildOptions(site_copy, out)).up_to_date
    assert (out / "about" / "index.html").is_file()
    (site_copy / "pages" / "about.md").write_text("# About\n\nChanged.\n", encoding="utf-8")
    assert not build_site(BuildOptions(site_copy, out)).up_to_date
    assert not build_site(BuildOptions(site_copy, out, base_url="https://x.org/")).up_to_date


def test_strict_still_fails_on_the_stored_warnings(site_copy: Path, tmp_path: Path) -> None:
    (site_copy / "curation.yaml").unlink()
    out = tmp_path / "out"
    build_site(BuildOptions(site_copy, out))
    with pytest.raises(BuildFailed) as failure:
        build_site(BuildOptions(site_copy, out, strict=True))
    assert any("no owner" in p.message for p in failure.value.problems)


def test_an_unchanged_corpus_reuses_the_search_index(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scholarsite.build as build

    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    calls: list[int] = []
    real = build.build_search_index
    monkeypatch.setattr(build, "build_search_index", lambda docs: calls.append(1) or real(docs))
    about = site_copy / "pages" / "about.md"
    about.write_text(about.read_text() + "\nOne more line.\n", encoding="utf-8")
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert calls == [1]  # the cold build in the comparison; not the update
    assert "about/index.html" in again.written
