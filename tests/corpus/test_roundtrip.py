"""Property: random papers written in each layout parse back to the same papers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scholarsite.corpus import Layout, Name, parse_dump

LETTERS = "abcdefghijklmnopqrstuvwxyzàéöüßłąęñøçšž"
word = st.text(LETTERS, min_size=2, max_size=10)
capital = word.map(str.capitalize)
surname = st.lists(capital, min_size=1, max_size=2).map("-".join)
given_names = st.lists(capital, min_size=1, max_size=2).map(" ".join)
names = st.lists(st.builds(Name, surname, given_names), min_size=1, max_size=8, unique=True)
titles = st.lists(capital, min_size=3, max_size=12).map(" ".join)
sentences = st.lists(word, min_size=8, max_size=20).map(lambda ws: " ".join(ws).capitalize() + ".")
abstracts = st.lists(sentences, min_size=2, max_size=5).map(" ".join)
new_ids = st.builds(
    lambda yy, mm, n: f"{yy:02d}{mm:02d}.{n:05d}",
    st.integers(15, 29),
    st.integers(1, 12),
    st.integers(0, 99999),
)
comments = st.lists(
    st.sampled_from(["NeurIPS 2021", "18pp", "15 pages, 1 figure", "Accepted at ICML"]), max_size=2
)


@settings(max_examples=60, deadline=None)
@given(
    owner=st.builds(Name, surname, given_names),
    papers=st.lists(st.tuples(titles, names, abstracts), min_size=1, max_size=6),
)
def test_titled_roundtrip(owner: Name, papers: list[tuple[str, list[Name], str]]) -> None:
    lines = [owner.citation]
    for title, authors, abstract in papers:
        lines += [title, ", ".join(n.citation for n in authors), abstract]
    profile = parse_dump("\n".join(lines).encode(), "corpus/t.txt")
    assert profile.layout is Layout.TITLED
    assert profile.owner == owner
    assert [(r.title, list(r.authors or ()), r.abstract) for r in profile.records] == papers
    assert profile.problems == []


@settings(max_examples=60, deadline=None)
@given(owner=given_names, papers=st.lists(abstracts, min_size=1, max_size=6, unique=True))
def test_abstract_only_roundtrip(owner: str, papers: list[str]) -> None:
    text = "\n".join([owner, *(f"Abstract:{a}" for a in papers)]) + "\n"
    profile = parse_dump(text.encode(), "corpus/b.txt")
    assert profile.layout is Layout.ABSTRACTS
    assert [r.abstract for r in profile.records] == papers
    assert profile.problems == []


@settings(max_examples=60, deadline=None)
@given(entries=st.lists(st.tuples(abstracts, comments, new_ids), min_size=1, max_size=6))
def test_listing_roundtrip(entries: list[tuple[str, list[str], str]]) -> None:
    lines: list[str] = []
    pending = ""
    for abstract, notes, arxiv in entries:
        lines.append(pending + abstract)
        lines += notes
        pending = f"arXiv:{arxiv}"
    lines.append(pending)
    profile = parse_dump("\n".join(lines).encode(), "corpus/c.txt")
    assert profile.layout is Layout.LISTING
    got = [(r.abstract, list(r.comments), r.arxiv) for r in profile.records]
    assert got == [(a, n, i) for a, n, i in entries]
    assert profile.problems == []
