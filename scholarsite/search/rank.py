"""BM25F term weights, computed once at build time.

Every (term, document) pair gets a saturated, length-normalised weight in ``[0, 1)``; the
client multiplies it by the term's inverse document frequency, which it derives from the
document frequency stored in the term dictionary.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from scholarsite.search import SearchDoc
from scholarsite.search.encode import NAMED_FLAG, quantize_weight
from scholarsite.search.fold import arxiv_term, name_terms, terms, word_terms, words

K1 = 1.2
NAME_FIELDS = frozenset({"title", "authors", "id"})
PREFIX_MARK = "~"
TITLE_PREFIX_LENGTHS = (1, 2, 3)
TITLE_PREFIX_WEIGHT = 0.5
SHORT_FIELD = 16
COMMON_SHARE = 0.1
COMMON_LEVEL = 14  # one occurrence in an abstract of average length: tf 1, tf / (K1 + tf)


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


@dataclass(frozen=True)
class Analysed:
    """One document's terms by field, and the title-prefix pseudo-terms of its title."""

    fields: dict[str, list[str]]
    prefixes: set[str]


def analyse(doc: SearchDoc, text: list[str]) -> Analysed:
    """The terms of each field of one document, given the terms of its text, and its title
    prefixes (the title's words are split once for both)."""
    title_words = words(doc.title)
    variant_words = words(" ".join(doc.variants)) if doc.variants else []
    title = word_terms(title_words)
    variants = [t for t in word_terms(variant_words) if t not in title]
    ids = terms(arxiv_term(doc.arxiv)) if doc.arxiv else []
    year = [str(doc.year)] if doc.year is not None else []
    fields = {
        "title": title + variants,  # another spelling adds its new words, not weight
        "authors": [t for name in doc.authors for t in name_terms(name)],
        "text": text + year,
        "id": ids,
    }
    return Analysed(fields, prefix_terms([*title_words, *variant_words]))


def average_lengths(per_doc: Sequence[dict[str, list[str]]]) -> dict[str, float]:
    """Mean length of each field over the documents where the field is not empty."""
    averages: dict[str, float] = {}
    for field in FIELDS:
        lengths = [len(fields[field.name]) for fields in per_doc if fields[field.name]]
        averages[field.name] = sum(lengths) / len(lengths) if lengths else 1.0
    return averages


def count_terms(tokens: list[str]) -> dict[str, int]:
    """How often each term occurs (a plain loop beats ``Counter`` on the few words of a title)."""
    if len(tokens) > SHORT_FIELD:
        return Counter(tokens)
    counts: dict[str, int] = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    return counts


def doc_levels(fields: dict[str, list[str]], averages: dict[str, float]) -> dict[str, int]:
    """Each term of one document with what the index stores: the quantized BM25F weight
    ``tf / (K1 + tf)`` (:func:`~scholarsite.search.encode.quantize_weight`) of its
    field-weighted, length-normalised frequency ``tf``, plus the name flag.

    Fields are added longest first. Most terms are in the longest field only (the abstract of
    a paper): their level depends only on how often they occur there, so it is looked up per
    count, in C; the terms of the other fields are added up one by one."""
    present = [f for f in sorted(FIELDS, key=lambda f: -len(fields[f.name])) if fields[f.name]]
    if not present:
        return {}
    longest, *others = present
    counts = count_terms(fields[longest.name])
    share = _shares(longest, counts, fields, averages)
    flag = NAMED_FLAG if longest.name in NAME_FIELDS else 0
    level = {count: _level(tf) + flag for count, tf in share.items()}
    levels = dict(zip(counts, map(level.__getitem__, counts.values()), strict=True))
    added: dict[str, float] = {}
    named: set[str] = set()
    for field in others:
        field_counts = count_terms(fields[field.name])
        field_share = _shares(field, field_counts, fields, averages)
        for term, count in field_counts.items():
            if term not in added:
                known = counts.get(term)
                added[term] = share[known] if known is not None else 0.0
            added[term] += field_share[count]
        if field.name in NAME_FIELDS:
            named.update(field_counts)
    if flag:
        named.update(counts)
    for term, tf in added.items():
        levels[term] = _level(tf) + (NAMED_FLAG if term in named else 0)
    return levels


def _shares(
    field: Field, counts: dict[str, int], fields: dict[str, list[str]], averages: dict[str, float]
) -> dict[int, float]:
    """What one occurrence count in ``field`` adds to a term's frequency (most terms occur once
    or twice: each count is computed once)."""
    length = len(fields[field.name])
    norm = 1 - field.length_norm + field.length_norm * length / averages[field.name]
    return {count: field.weight * count / norm for count in set(counts.values())}


@functools.lru_cache(maxsize=4096)
def _level(tf: float) -> int:
    return quantize_weight(tf / (K1 + tf), named=False)


def prefix_terms(title_words: list[str]) -> set[str]:
    """Pseudo-terms for the 1- to 3-letter starts of title words (``se~`` for "searching"),
    so a half-typed last word narrows results by title even when it has many completions."""
    return {
        word[:length] + PREFIX_MARK
        for word in set(title_words)
        for length in TITLE_PREFIX_LENGTHS
        if len(word) > length
    }


def all_doc_levels(
    docs: Sequence[SearchDoc], texts: Sequence[list[str]]
) -> Iterator[dict[str, int]]:
    """Every document's terms with their stored weight level (name flag included), given the
    terms of each document's text, one document at a time (they are inverted as they come)."""
    analysed = [analyse(doc, text) for doc, text in zip(docs, texts, strict=True)]
    averages = average_lengths([a.fields for a in analysed])
    prefix_level = quantize_weight(TITLE_PREFIX_WEIGHT, named=True)
    for found in analysed:
        levels = doc_levels(found.fields, averages)
        levels.update(dict.fromkeys(found.prefixes, prefix_level))
        yield levels


def common_over(doc_count: int) -> float:
    """A term in more documents than this is very common: outside name fields, every posting of
    it gets ``COMMON_LEVEL``. Such a term has a small inverse document frequency, so its level
    moves scores little; a list of one repeated level compresses to a fraction of its size,
    which keeps a query with a common word small at 100,000 papers."""
    return COMMON_SHARE * doc_count


def idf(doc_count: int, doc_freq: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))
