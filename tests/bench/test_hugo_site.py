"""The Hugo twin of the synthetic corpus: same papers, same page set, and Hugo builds it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scholarsite.bench.hugo_site import hugo_command, write_hugo_site
from scholarsite.bench.synth import author_names, make_corpus
from scholarsite.errors import ScholarsiteError
from scholarsite.naming import slugify

N = 60


def front_matter(page: Path) -> dict[str, object]:
    text = page.read_text(encoding="utf-8")
    head, _, _ = text.partition("\n}\n")
    meta: dict[str, object] = json.loads(head + "\n}")
    return meta


def test_writes_one_content_page_per_paper(tmp_path: Path) -> None:
    corpus = make_corpus(N, seed=1)
    write_hugo_site(tmp_path / "site", corpus)
    pages = sorted((tmp_path / "site" / "content" / "papers").glob("*.md"))
    names = {p.stem for p in pages if p.name != "_index.md"}
    assert names == {slugify(paper.title) for paper in corpus.papers}
    paper = corpus.papers[0]
    meta = front_matter(tmp_path / "site" / "content" / "papers" / f"{slugify(paper.title)}.md")
    assert meta["title"] == paper.title
    assert meta["authors"] == author_names(paper, corpus.people)
    dated = [front_matter(p) for p in pages if p.name != "_index.md"]
    assert sum("year" in m for m in dated) == len(corpus.listed())


def test_refuses_a_non_empty_destination(tmp_path: Path) -> None:
    (tmp_path / "stale.txt").write_text("x")
    with pytest.raises(ScholarsiteError, match="already holds files"):
        write_hugo_site(tmp_path, make_corpus(5))


def test_hugo_builds_the_same_page_set(tmp_path: Path) -> None:
    corpus = make_corpus(N, seed=1)
    write_hugo_site(tmp_path / "site", corpus)
    out = tmp_path / "out"
    subprocess.run(hugo_command(tmp_path / "site", out, tmp_path / "cache"), check=True)
    for paper in corpus.papers:
        page = out / "papers" / slugify(paper.title) / "index.html"
        assert paper.title.split(":")[0] in page.read_text(encoding="utf-8")
    authors = {name for paper in corpus.papers for name in author_names(paper, corpus.people)}
    author_pages = [p for p in (out / "authors").iterdir() if p.is_dir()]
    assert len(author_pages) == len(authors)
    listing = (out / "authors" / "index.html").read_text(encoding="utf-8")
    assert listing.count("<li>") == len(authors)
    busiest = max(
        sorted(authors),
        key=lambda a: sum(a in author_names(p, corpus.people) for p in corpus.papers),
    )
    shown = busiest
    page = next(p for p in author_pages if f"<h1>{shown}</h1>" in (p / "index.html").read_text())
    assert "Co-authors" in (page / "index.html").read_text(encoding="utf-8")
