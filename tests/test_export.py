"""``corpus.json`` and its own encoder: what ``json.dumps`` would write, byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarsite.errors import Problem
from scholarsite.export import corpus_json, indented
from scholarsite.model import Corpus, Paper, Person, Source

scalars = st.none() | st.booleans() | st.integers() | st.text()
values = st.recursive(
    scalars, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=30
)


@given(values)
def test_indented_is_json_dumps_with_one_space_indents(value: Any) -> None:
    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=1)


@given(st.lists(values, min_size=1, max_size=4))
def test_a_nested_value_is_indented_for_its_depth(items: list[Any]) -> None:
    whole = json.dumps(items, ensure_ascii=False, indent=1)
    assert whole == "[\n " + ",\n ".join(indented(item, 1) for item in items) + "\n]"


def test_a_value_the_export_never_holds_is_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        indented({"year": 2024.5})


texts = st.text(max_size=12)
ids = st.text("abc-", min_size=1, max_size=6)
papers = st.builds(
    Paper,
    id=ids,
    title=st.none() | texts,
    authors=st.tuples(ids, ids),
    authors_complete=st.booleans(),
    abstract=texts,
    arxiv=st.none() | texts,
    year=st.none() | st.integers(1900, 2100),
    comments=st.lists(texts, max_size=2).map(tuple),
    profiles=st.lists(texts, max_size=2).map(tuple),
    sources=st.lists(st.builds(Source, texts, st.integers(1, 99)), max_size=2).map(tuple),
)
people = st.builds(
    Person,
    id=ids,
    name=st.none() | texts,
    citation_name=st.none(),
    papers=st.lists(ids, max_size=3).map(tuple),
    profiles=st.lists(texts, max_size=2).map(tuple),
    variants=st.just(()),
    sort_key=texts,
)
problems = st.builds(Problem, texts, st.integers(0, 99), texts, st.booleans())


@given(st.lists(papers, max_size=3), st.lists(people, max_size=3), st.lists(problems, max_size=3))
def test_corpus_json_is_json_dumps_of_the_spec_data(
    some_papers: list[Paper], some_people: list[Person], warnings: list[Problem]
) -> None:
    data = {
        "papers": [
            {
                "id": p.id,
                "url": p.url,
                "title": p.title,
                "authors": list(p.authors),
                "authors_complete": p.authors_complete,
                "abstract": p.abstract,
                "arxiv": p.arxiv,
                "year": p.year,
                "comments": "; ".join(p.comments) if p.comments else None,
                "profiles": list(p.profiles),
                "sources": [{"file": s.file, "line": s.line} for s in p.sources],
            }
            for p in some_papers
        ],
        "authors": [
            {
                "id": p.id,
                "name": p.name,
                "url": p.url,
                "papers": list(p.papers),
                "profiles": [{"file": f} for f in p.profiles],
            }
            for p in some_people
        ],
        "warnings": [
            {"file": w.file, "line": w.line, "message": w.message, "acknowledged": w.acknowledged}
            for w in warnings
        ],
    }
    expected = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    corpus = Corpus(tuple(some_papers), tuple(some_people), ())
    assert corpus_json(corpus, warnings) == expected.encode()
