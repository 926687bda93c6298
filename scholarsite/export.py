"""``corpus.json``: the whole parsed corpus, in the schema SPEC §5 fixes.

The file is ``json.dumps(data, ensure_ascii=False, indent=1)`` of the data below, its keys in
the spec's order, written by a small encoder of its own (:func:`indented`): the standard library
indents in pure Python, which took seconds at 10,000 papers.
"""

from __future__ import annotations

import io
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


def build_summary(corpus: Corpus, warnings: Iterable[Problem]) -> str:
    """The counts and warnings of ``corpus.json``, as one line of JSON: the output's marker keeps
    it, so that a build finding the output up to date reports them without reading the export."""
    summary = {
        "papers": len(corpus.papers),
        "authors": len(corpus.people),
        "warnings": [_warning(problem) for problem in warnings],
    }
    return json.dumps(summary, ensure_ascii=True, separators=(",", ":"))


def corpus_json(corpus: Corpus, warnings: Iterable[Problem]) -> bytes:
    """The file's bytes, written item by item into one buffer: at scale the file is over a
    hundred megabytes, and joining strings, then encoding them, would hold three copies."""
    out = io.BytesIO()
    out.write(b'{\n "papers": ')
    _write_list(out, map(_paper, corpus.papers))
    out.write(b',\n "authors": ')
    _write_list(out, map(_person, corpus.people))
    out.write(b',\n "warnings": ')
    _write_list(out, map(_warning, warnings))
    out.write(b"\n}\n")
    return out.getvalue()


def _write_list(out: io.BytesIO, items: Iterable[dict[str, Any]]) -> None:
    """A list one level deep (the file's keys are at the first): ``[]`` when empty."""
    opening = b"[\n  "
    for item in items:
        out.write(opening)
        out.write(indented(item, 2).encode())
        opening = b",\n  "
    out.write(b"[]" if opening == b"[\n  " else b"\n ]")


def indented(value: Any, depth: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)`` of a value nested
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
        parts = [f"{_string(k)}: {indented(v, depth + 1)}" for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        raise TypeError(f"corpus.json holds no {type(value).__name__}")
    if not parts:
        return opening + closing
    return f"{opening}{inner}{(',' + inner).join(parts)}\n{' ' * depth}{closing}"


_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False
