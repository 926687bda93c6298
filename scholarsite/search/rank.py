"""BM25F term weights, computed once at build time.

Every (term, document) pair gets a saturated, length-normalised weight in ``[0, 1)``; the
client multiplies it by the term's inverse document frequency, which it derives from the
document frequency stored in the term dictionary.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from scholarsite.search import SearchDoc
from scholarsite.search.fold import arxiv_term, name_terms, terms, words

K1 = 1.2
NAME_FIELDS = frozenset({"title", "authors", "id"})
PREFIX_MARK = "~"
TITLE_PREFIX_LENGTHS = (1, 2, 3)
TITLE_PREFIX_WEIGHT = 0.5


@dataclass(frozen=True)
class Field:
    name: str
    weight: float
    length_norm: float


# Title and names weigh most; a 400-author list is long, so each name in it counts little.
FIELDS: tuple[Field, ...] = (
    Field("title", 10.0, 0.5),
    Field("authors", 4.0, 0.3),
    Field("text", 1.0, 0.75),
    Field("id", 8.0, 0.0),
)


def field_terms(doc: SearchDoc) -> dict[str, list[str]]:
    """The terms of each field of one document."""
    title = terms(doc.title)
    variants = [t for t in terms(" ".join(doc.variants)) if t not in title]
    ids = terms(arxiv_term(doc.arxiv)) if doc.arxiv else []
    year = [str(doc.year)] if doc.year is not None else []
    return {
        "title": title + variants,  # another spelling adds its new words, not weight
        "authors": [t for name in doc.authors for t in name_terms(name)],
        "text": terms(doc.text) + year,
        "id": ids,
    }


def average_lengths(per_doc: Sequence[dict[str, list[str]]]) -> dict[str, float]:
    """Mean length of each field over the documents where the field is not empty."""
    averages: dict[str, float] = {}
    for field in FIELDS:
        lengths = [len(fields[field.name]) for fields in per_doc if fields[field.name]]
        averages[field.name] = sum(lengths) / len(lengths) if lengths else 1.0
    return averages


def doc_weights(fields: dict[str, list[str]], averages: dict[str, float]) -> dict[str, float]:
    """Each term of one document with its BM25F weight ``tf / (K1 + tf)``."""
    pseudo_tf: dict[str, float] = defaultdict(float)
    for field in FIELDS:
        tokens = fields[field.name]
        if not tokens:
            continue
        norm = 1 - field.length_norm + field.length_norm * len(tokens) / averages[field.name]
        for term, count in Counter(tokens).items():
            pseudo_tf[term] += field.weight * count / norm
    return {term: tf / (K1 + tf) for term, tf in pseudo_tf.items()}


def named_terms(fields: dict[str, list[str]]) -> set[str]:
    """Terms that occur in a name field: the title, a person's name, an author, the arXiv id."""
    return {t for field in FIELDS if field.name in NAME_FIELDS for t in fields[field.name]}


def title_prefix_terms(doc: SearchDoc) -> set[str]:
    """Pseudo-terms for the 1- to 3-letter starts of title words (``se~`` for "searching"),
    so a half-typed last word narrows results by title even when it has many completions."""
    found = set()
    for word in words(" ".join((doc.title, *doc.variants))):
        for length in TITLE_PREFIX_LENGTHS:
            if len(word) > length:
                found.add(word[:length] + PREFIX_MARK)
    return found


def all_doc_weights(docs: Sequence[SearchDoc]) -> list[dict[str, tuple[float, bool]]]:
    """Every document's terms with their BM25F weight and whether they occur in a name field."""
    per_doc = [field_terms(doc) for doc in docs]
    averages = average_lengths(per_doc)
    result = []
    for doc, fields in zip(docs, per_doc, strict=True):
        named = named_terms(fields)
        weights = {t: (w, t in named) for t, w in doc_weights(fields, averages).items()}
        weights.update((t, (TITLE_PREFIX_WEIGHT, True)) for t in title_prefix_terms(doc))
        result.append(weights)
    return result


def idf(doc_count: int, doc_freq: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))
