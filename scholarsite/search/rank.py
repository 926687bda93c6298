"""BM25F term weights, computed once at build time.

Every (term, document) pair gets a saturated, length-normalised weight in ``[0, 1)``; the
client multiplies it by the term's inverse document frequency, which it derives from the
document frequency stored in the term dictionary.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from scholarsite.search import SearchDoc
from scholarsite.search.encode import Weighted, quantize_weight, quantize_weights
from scholarsite.search.fold import arxiv_term, name_terms, terms, word_terms, words
from scholarsite.search.vocabulary import Ints, Runs

Floats = NDArray[np.float64]

K1 = 1.2
NAME_FIELDS = frozenset({"title", "authors", "id"})
PREFIX_MARK = "~"
TITLE_PREFIX_LENGTHS = (1, 2, 3)
TITLE_PREFIX_WEIGHT = 0.5
COMMON_SHARE = 0.05
BLOCK_DOCS = 8192  # documents weighed at a time
LEVEL_SPAN = 64  # levels with the name flag are below this
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


def weigh(fields: Mapping[str, Runs], width: int) -> Weighted:
    """The weighted postings of every document, given the term ids of each of its ``FIELDS``
    (numbered below ``width``): the level of a term in a document is the
    quantized BM25F weight ``tf / (K1 + tf)`` of its field-weighted, length-normalised
    frequency ``tf``, plus the name flag. Computed a block of documents at a time (which
    bounds the memory), field by field within a block.

    A document adds up its fields longest first (ties in ``FIELDS`` order), each occurrence
    weighted by its field and normalised by the field's length in that document against the
    field's mean length; the sums are made in that order, so each is the same float as a
    document-at-a-time loop would make."""
    runs = [fields[f.name] for f in FIELDS]
    count = len(runs[0].lengths)
    lengths = np.stack([found.lengths for found in runs])
    order = np.argsort(-lengths, axis=0, kind="stable")
    position = np.empty_like(order)  # position[f, d]: where field f comes in document d's sum
    position[order, np.arange(count)] = np.arange(len(FIELDS))[:, None]
    norms = [_norms(field, lengths[number]) for number, field in enumerate(FIELDS)]
    width = max(width, 1)
    blocks = [
        _weigh_block(runs, start, count, width, norms, position)
        for start in range(0, count, BLOCK_DOCS)
    ]
    keys = np.concatenate(blocks) if blocks else np.zeros(0, np.int64)
    del blocks  # before sorting, which is when the memory peaks
    keys.sort()  # by term, then document: (term * documents + document) * LEVEL_SPAN + level
    level = (keys % LEVEL_SPAN).astype(np.uint8)
    keys //= LEVEL_SPAN
    doc = (keys % max(count, 1)).astype(np.int32)
    keys //= max(count, 1)
    return Weighted(keys.astype(np.int32), doc, level)


def _weigh_block(
    runs: Sequence[Runs],
    start: int,
    count: int,
    width: int,
    norms: list[Floats],
    position: Ints,
) -> Ints:
    """The postings of the documents from ``start`` on, for ``BLOCK_DOCS`` of the ``count``
    documents, each as the number ``(term * documents + document) * LEVEL_SPAN + level``."""
    end = min(start + BLOCK_DOCS, count)
    counted = [_counted(found.between(start, end), width) for found in runs]
    union = _distinct(np.sort(np.concatenate([found for found, _ in counted])))
    tf = np.zeros(len(union))
    named = np.zeros(len(union), dtype=bool)
    adds = []
    for number, (field, (found, counts)) in enumerate(zip(FIELDS, counted, strict=True)):
        docs = start + found // width
        place = np.searchsorted(union, found)
        adds.append((position[number][docs], place, field.weight * counts / norms[number][docs]))
        if field.name in NAME_FIELDS:
            named[place] = True
    for step in range(len(FIELDS)):
        for at, place, share in adds:
            now = at == step
            tf[place[now]] += share[now]
    level = quantize_weights(tf / (K1 + tf), named)
    postings: Ints = ((union % width) * count + start + union // width) * LEVEL_SPAN
    return postings + level


def _counted(runs: Runs, width: int) -> tuple[Ints, Ints]:
    """Each distinct (document, term) of some runs as the key ``doc * width + term``, in
    ascending order, and how often it occurs."""
    keys = np.sort(runs.docs * width + runs.ids)
    starts = np.flatnonzero(np.diff(keys, prepend=-1))
    return keys[starts], np.diff(starts, append=len(keys))


def _distinct(ordered: Ints) -> Ints:
    distinct: Ints = ordered[np.diff(ordered, prepend=-1) != 0]
    return distinct


def _norms(field: Field, lengths: Ints) -> Floats:
    """BM25's length normalisation of one field, per document (the mean is over documents
    where the field is not empty)."""
    present = lengths[lengths > 0]
    average = int(present.sum()) / len(present) if len(present) else 1.0
    return np.asarray(1 - field.length_norm + field.length_norm * lengths / average, np.float64)


def word_prefixes(word: str) -> tuple[str, ...]:
    """The title-prefix pseudo-terms of one word: its 1- to 3-letter starts (``se~`` for
    "searching"), so a half-typed last word narrows results by title even when it has many
    completions."""
    return tuple(word[:n] + PREFIX_MARK for n in TITLE_PREFIX_LENGTHS if len(word) > n)


class TitleWords:
    """The documents whose title has each word, gathered a document at a time in id order: each
    distinct word is kept once, not once per title that has it."""

    def __init__(self) -> None:
        self.docs: defaultdict[str, list[int]] = defaultdict(list)
        self.count = 0

    def add(self, words: Sequence[str]) -> None:
        """The title words of the next document."""
        for word in set(words):
            self.docs[word].append(self.count)
        self.count += 1

    def prefix_docs(self) -> dict[str, list[int]]:
        """Each title-prefix pseudo-term with the ascending ids of the documents whose title has
        it. Words share prefixes: their documents are merged per prefix."""
        lists: defaultdict[str, list[list[int]]] = defaultdict(list)
        for word, doc_ids in self.docs.items():
            for prefix in word_prefixes(word):
                lists[prefix].append(doc_ids)
        return {
            prefix: found[0] if len(found) == 1 else sorted(set(chain.from_iterable(found)))
            for prefix, found in lists.items()
        }


def common_over(doc_count: int) -> float:
    """A term in more documents than this is very common: outside name fields, every posting of
    it gets ``COMMON_LEVEL``. Such a term has a small inverse document frequency, so its level
    moves scores little; a list of one repeated level compresses to a fraction of its size,
    which keeps a query with a common word small at 100,000 papers."""
    return COMMON_SHARE * doc_count


def idf(doc_count: int, doc_freq: int) -> float:
    """BM25's inverse document frequency (never negative)."""
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))
