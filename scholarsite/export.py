"""``corpus.json``: the whole parsed corpus, in the schema SPEC §5 fixes.

The file is ``json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)`` of the data below,
written by a small encoder of its own (:func:`indented`): the standard library indents in pure
Python, which took seconds at 10,000 papers.
"""

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


def _head(corpus: Corpus) -> str:
    """``corpus.json`` up to the warnings: its keys in order are authors, papers, warnings."""
    people = ",\n  ".join(indented(_person(p), 2) for p in corpus.people)
    papers = ",\n  ".join(indented(_paper(p), 2) for p in corpus.papers)
    return f'{{\n "authors": {_list_of(people)},\n "papers": {_list_of(papers)},\n "warnings": '


def _list_of(items: str) -> str:
    return f"[\n  {items}\n ]" if items else "[]"


def corpus_json(corpus: Corpus, warnings: Iterable[Problem]) -> bytes:
    tail = indented([_warning(w) for w in warnings], 1)
    return f"{_head(corpus)}{tail}\n}}\n".encode()


def indented(value: Any, depth: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)`` of a value nested
    ``depth`` levels deep, for what the export holds: strings, integers, booleans, None, and
    lists and string-keyed dicts of them."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    inner = "\n" + " " * (depth + 1)
    if isinstance(value, list):
        parts = [indented(item, depth + 1) for item in value]
        opening, closing = "[", "]"
    elif isinstance(value, dict):
        parts = [f"{_string(k)}: {indented(value[k], depth + 1)}" for k in sorted(value)]
        opening, closing = "{", "}"
    else:
        raise TypeError(f"corpus.json holds no {type(value).__name__}")
    if not parts:
        return opening + closing
    return f"{opening}{inner}{(',' + inner).join(parts)}\n{' ' * depth}{closing}"


_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False
