"""Compact text encodings for the index files: base-64 digits and self-delimiting varints.

A varint is written high digit first; its last digit is one of the first 32 characters of
the alphabet, every other digit one of the last 32, so numbers need no separator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from scholarsite.search.vocabulary import Ints

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
DIGIT = {c: i for i, c in enumerate(ALPHABET)}
ALPHABET_CODES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)
WEIGHT_LEVELS = 31
NAMED_FLAG = 32
CHUNK_POSTINGS = 1 << 20  # postings written at a time


def encode_varint(value: int) -> str:
    if value < 0:
        raise ValueError(f"cannot encode a negative number: {value}")
    digits = [ALPHABET[value % 32]]
    value //= 32
    while value:
        digits.append(ALPHABET[32 + value % 32])
        value //= 32
    return "".join(reversed(digits))


def encode_varints(values: Sequence[int]) -> str:
    return "".join(encode_varint(v) for v in values)


def read_varint(text: str, start: int) -> tuple[int, int]:
    """The number at ``start`` and the position after it."""
    value = 0
    pos = start
    while True:
        digit = DIGIT[text[pos]]
        pos += 1
        if digit < 32:
            return value * 32 + digit, pos
        value = value * 32 + digit - 32


def decode_varints(text: str) -> list[int]:
    values = []
    pos = 0
    while pos < len(text):
        value, pos = read_varint(text, pos)
        values.append(value)
    return values


def quantize_weight(weight: float, named: bool) -> int:
    """A weight in ``[0, 1)`` as a level 1..31 (0 would mean absent), plus 32 for a term that
    occurs in a name field (title, person name, author, arXiv id)."""
    level = max(1, min(WEIGHT_LEVELS, round(weight * WEIGHT_LEVELS)))
    return level + (NAMED_FLAG if named else 0)


def quantize_weights(weights: NDArray[np.float64], named: NDArray[np.bool_]) -> Ints:
    """:func:`quantize_weight` of each weight (numpy rounds half to even, as ``round`` does)."""
    levels = np.clip(np.rint(weights * WEIGHT_LEVELS), 1, WEIGHT_LEVELS).astype(np.int64)
    return levels + NAMED_FLAG * named


def encode_postings(postings: Sequence[tuple[int, int]]) -> str:
    """Sorted ``(doc id, weight level)`` pairs as gap varints, each followed by its level (the
    format's definition; :func:`posting_lists` writes many lists at once)."""
    parts = []
    previous = -1
    for doc_id, level in postings:
        parts.append(encode_varint(doc_id - previous - 1) + ALPHABET[level])
        previous = doc_id
    return "".join(parts)


def decode_postings(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    previous = -1
    while pos < len(text):
        gap, pos = read_varint(text, pos)
        previous += gap + 1
        yield previous, DIGIT[text[pos]]
        pos += 1


@dataclass(frozen=True)
class Weighted:
    """Postings (a term in a document) with the level the index stores for each, sorted by
    term id, then document (:func:`~scholarsite.search.rank.weigh` makes them)."""

    term: Ints
    doc: Ints
    level: Ints


@dataclass(frozen=True)
class PostingList:
    """One term's encoded postings (as :func:`encode_postings` writes them) and their count."""

    encoded: str
    count: int


def posting_lists(
    weighted: Weighted,
    terms: Sequence[str],
    common_over: float = float("inf"),
    common_level: int = 0,
) -> dict[str, PostingList]:
    """Every term's posting list, as :func:`encode_postings` writes it, from weighted postings
    in term and document order (``terms``: each term id's term). A term in over
    ``common_over`` documents has every level below the name flag set to ``common_level``.
    Written about ``CHUNK_POSTINGS`` postings at a time, whole terms each (which bounds the
    memory)."""
    count = len(weighted.term)
    starts = np.flatnonzero(np.diff(weighted.term, prepend=-1))  # where each term begins
    marks = np.arange(0, count, CHUNK_POSTINGS)
    chunks = np.unique(starts[np.searchsorted(starts, marks, side="right") - 1]).tolist()
    lists: dict[str, PostingList] = {}
    for begin, end in pairwise([*chunks, count]):
        part = Weighted(*(a[begin:end] for a in (weighted.term, weighted.doc, weighted.level)))
        lists.update(_lists_of(part, terms, common_over, common_level))
    return lists


def _lists_of(
    weighted: Weighted, terms: Sequence[str], common_over: float, common_level: int
) -> dict[str, PostingList]:
    """:func:`posting_lists` of postings of whole terms."""
    term, doc, level = weighted.term, weighted.doc, weighted.level.copy()
    starts = np.flatnonzero(np.diff(term, prepend=-1))
    sizes = np.diff(starts, append=len(term))
    level[np.repeat(sizes > common_over, sizes) & (level < NAMED_FLAG)] = common_level
    previous = np.insert(doc[:-1], 0, -1)
    previous[starts] = -1
    text, begins = written_postings(doc - previous - 1, level)
    cuts = [*begins[starts].tolist(), len(text)]
    return {
        terms[number]: PostingList(text[begin:end], size)
        for number, begin, end, size in zip(
            term[starts].tolist(), cuts, cuts[1:], sizes.tolist(), strict=False
        )
    }


def written_postings(gaps: Ints, levels: Ints) -> tuple[str, Ints]:
    """Each gap as a varint followed by the digit of its level, in one text; and where each
    posting begins in it."""
    digits = np.ones(len(gaps), dtype=np.int8)
    rest = gaps >> 5
    while rest.any():
        digits += rest > 0
        rest >>= 5
    ends = np.cumsum(digits + 1, dtype=np.int64)
    out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    out[ends - 1] = ALPHABET_CODES[levels]
    for place in range(int(digits.max()) if len(digits) else 0):  # the last digit first
        has = digits > place
        digit = gaps[has] >> 5 * place & 31
        out[ends[has] - 2 - place] = ALPHABET_CODES[digit + (32 if place else 0)]
    return out.tobytes().decode("ascii"), ends - digits - 1
