"""BM25F term weights, computed once at build time.

Every (term, document) pair gets a saturated, length-normalised weight in ``[0, 1)``; the
client multiplies it by the term's inverse document frequency, which it derives from the
document frequency stored in the term dictionary.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain

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
PREFIX_LEVEL = quantize_weight(TITLE_PREFIX_WEIGHT, named=True)


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
    """One document's terms by field, and the folded words of its title (stopwords included)
    that its title-prefix pseudo-terms are made from."""

    fields: dict[str, list[str]]
    title_words: list[str]


def analyse(doc: SearchDoc, text: list[str]) -> Analysed:
    """The terms of each field of one document, given the terms of its text, and its title's
    words (split once for both)."""
    title_words = words(doc.title)
    variant_words = words(" ".join(doc.variants)) if doc.variants else []
    title = word_terms(title_words)
    variants = [t for t in word_terms(variant_words) if t not in title]
    ids = terms(arxiv_term(doc.arxiv)) if doc.arxiv else []
    year = [str(doc.year)] if doc.year is not None else []
    fields = {
        "title": title + variants,  # another spelling adds its new words, not weight
        "authors": list(chain.from_iterable(map(name_terms, doc.authors))),
        "text": text + year,
        "id": ids,
    }
    return Analysed(fields, title_words + variant_words)


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
    present = [f for f in FIELDS if fields[f.name]]
    if not present:
        return {}
    present.sort(key=lambda f: -len(fields[f.name]))
    longest, *others = present
    counts = count_terms(fields[longest.name])
    norm = _norm(longest, fields, averages)
    share = {count: longest.weight * count / norm for count in set(counts.values())}
    flag = NAMED_FLAG if longest.name in NAME_FIELDS else 0
    level = {count: LEVELS[tf] + flag for count, tf in share.items()}
    levels = dict(zip(counts, map(level.__getitem__, counts.values()), strict=True))
    if not others:
        return levels
    added: dict[str, float] = {}
    named = set(counts) if flag else set()
    for field in others:
        field_counts = count_terms(fields[field.name])
        norm = _norm(field, fields, averages)
        for term, count in field_counts.items():
            tf = added.get(term)
            if tf is None:  # a term of the longest field starts from its share there
                tf = share.get(counts.get(term, 0), 0.0)
            added[term] = tf + field.weight * count / norm
        if field.name in NAME_FIELDS:
            named.update(field_counts)
    for term, tf in added.items():
        levels[term] = LEVELS[tf] + (NAMED_FLAG if term in named else 0)
    return levels


def _norm(field: Field, fields: dict[str, list[str]], averages: dict[str, float]) -> float:
    """BM25's length normalisation of one field of a document."""
    length = len(fields[field.name])
    return 1 - field.length_norm + field.length_norm * length / averages[field.name]


class LevelTable(dict[float, int]):
    """The weight level (without the name flag) of each ``tf``, worked out the first time it is
    seen: documents share lengths and counts, so a few thousand values cover a corpus."""

    def __missing__(self, tf: float) -> int:
        level = self[tf] = quantize_weight(tf / (K1 + tf), named=False)
        return level


LEVELS = LevelTable()


def word_prefixes(word: str) -> tuple[str, ...]:
    """The title-prefix pseudo-terms of one word: its 1- to 3-letter starts (``se~`` for
    "searching"), so a half-typed last word narrows results by title even when it has many
    completions."""
    return tuple(word[:n] + PREFIX_MARK for n in TITLE_PREFIX_LENGTHS if len(word) > n)


def title_prefix_docs(title_words: Sequence[Sequence[str]]) -> dict[str, list[int]]:
    """Each title-prefix pseudo-term with the ascending ids of the documents whose title has
    it, given each document's title words. Documents share words, and words share prefixes:
    the documents are listed once per word, then merged per prefix."""
    docs_of_word: defaultdict[str, list[int]] = defaultdict(list)
    for doc_id, found in enumerate(title_words):
        for word in set(found):
            docs_of_word[word].append(doc_id)
    lists: defaultdict[str, list[list[int]]] = defaultdict(list)
    for word, doc_ids in docs_of_word.items():
        for prefix in word_prefixes(word):
            lists[prefix].append(doc_ids)
    return {
        prefix: found[0] if len(found) == 1 else sorted(set(chain.from_iterable(found)))
        for prefix, found in lists.items()
    }


def all_doc_levels(analysed: Sequence[Analysed]) -> Iterator[dict[str, int]]:
    """Every document's terms with their stored weight level (name flag included), one
    document at a time (they are inverted as they come)."""
    averages = average_lengths([a.fields for a in analysed])
    for found in analysed:
        yield doc_levels(found.fields, averages)


def common_over(doc_count: int) -> float:
    """A term in more documents than this is very common: outside name fields, every posting of
    it gets ``COMMON_LEVEL``. Such a term has a small inverse document frequency, so its level
    moves scores little; a list of one repeated level compresses to a fraction of its size,
    which keeps a query with a common word small at 100,000 papers."""
    return COMMON_SHARE * doc_count


def idf(doc_count: int, doc_freq: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))
