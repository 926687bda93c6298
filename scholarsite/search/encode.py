"""Compact text encodings for the index files: base-64 digits and self-delimiting varints.

A varint is written high digit first; its last digit is one of the first 32 characters of
the alphabet, every other digit one of the last 32, so numbers need no separator.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import sub

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
DIGIT = {c: i for i, c in enumerate(ALPHABET)}
WEIGHT_LEVELS = 31
NAMED_FLAG = 32


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


LAST_DIGITS, LEADING_DIGITS = ALPHABET[:32], ALPHABET[32:]
# Every number below 32**3, encoded once and in order: posting gaps are looked up, not computed.
SHORT_VARINTS = [
    *LAST_DIGITS,
    *(a + b for a in LEADING_DIGITS[1:] for b in LAST_DIGITS),
    *(a + b + c for a in LEADING_DIGITS[1:] for b in LEADING_DIGITS for c in LAST_DIGITS),
]


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


def encode_postings(postings: Sequence[tuple[int, int]]) -> str:
    """Sorted ``(doc id, weight level)`` pairs as gap varints, each followed by its level."""
    parts = []
    previous = -1
    short = SHORT_VARINTS
    for doc_id, level in postings:
        gap = doc_id - previous - 1
        parts.append(short[gap] if gap < 32**3 else encode_varint(gap))
        parts.append(ALPHABET[level])
        previous = doc_id
    return "".join(parts)


def encode_doc_ids(doc_ids: Sequence[int], level: int) -> PostingList:
    """Ascending document ids that all have one level, as :func:`encode_postings` writes them
    (computed list-wise: the title-prefix pseudo-terms have long lists of this kind)."""
    starts = [0, *map((1).__add__, doc_ids[:-1])]  # where each gap counts from
    gaps = list(map(sub, doc_ids, starts))
    fast = max(gaps, default=0) < len(SHORT_VARINTS)
    codes = list(map(SHORT_VARINTS.__getitem__ if fast else encode_varint, gaps))
    char = ALPHABET[level]
    return PostingList(char.join(codes) + char if codes else "", len(codes))


def decode_postings(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    previous = -1
    while pos < len(text):
        gap, pos = read_varint(text, pos)
        previous += gap + 1
        yield previous, DIGIT[text[pos]]
        pos += 1


@dataclass(frozen=True)
class PostingList:
    """One term's encoded postings (as :func:`encode_postings` writes them) and their count."""

    encoded: str
    count: int


def invert(
    levels_per_doc: Iterable[Mapping[str, int]],
    common_over: float = float("inf"),
    common_level: int = 0,
) -> dict[str, PostingList]:
    """Every term's posting list, from each document's ``{term: level}`` in document order.

    The same text as :func:`encode_postings` of the term's ``(doc id, level)`` pairs, written
    in one pass over the documents (this runs once per posting, so it is kept lean). A term in
    over ``common_over`` documents has every level below the name flag set to ``common_level``.
    """
    parts: defaultdict[str, list[str]] = defaultdict(list)
    last: dict[str, int] = {}
    short = SHORT_VARINTS
    for doc_id, levels in enumerate(levels_per_doc):
        for term, level in levels.items():
            found = parts[term]
            gap = doc_id - last.get(term, -1) - 1
            try:
                found.append(short[gap])
            except IndexError:
                found.append(encode_varint(gap))
            found.append(ALPHABET[level])
            last[term] = doc_id
    common = ALPHABET[common_level]
    lists = {}
    for term, found in parts.items():
        if len(found) // 2 > common_over:
            found[1::2] = [c if DIGIT[c] >= NAMED_FLAG else common for c in found[1::2]]
        lists[term] = PostingList("".join(found), len(found) // 2)
    return lists
