"""``corpus.json``: the whole parsed corpus, in the schema SPEC §5 fixes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from scholarsite.errors import Problem
from scholarsite.model import Corpus, Paper, Person


def _paper(paper: Paper) -> dict[str, Any]:
    return {
        "id": paper.id,
        "url": paper.url,
        "title": paper.title,
        "authors": list(paper.authors),
        "authors_complete": paper.authors_complete,
        "abstract": paper.abstract,
        "arxiv": paper.arxiv,
        "year": paper.year,
        "comments": "; ".join(paper.comments) if paper.comments else None,
        "profiles": list(paper.profiles),
        "sources": [{"file": s.file, "line": s.line} for s in paper.sources],
    }


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "url": person.url,
        "papers": list(person.papers),
        "profiles": [{"file": f} for f in person.profiles],
    }


def _warning(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "message": problem.message,
        "acknowledged": problem.acknowledged,
    }


def corpus_json(corpus: Corpus, warnings: Iterable[Problem]) -> bytes:
    data = {
        "papers": [_paper(p) for p in corpus.papers],
        "authors": [_person(p) for p in corpus.people],
        "warnings": [_warning(w) for w in warnings],
    }
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
