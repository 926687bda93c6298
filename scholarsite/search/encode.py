"""Compact text encodings for the index files: base-64 digits and self-delimiting varints.

A varint is written high digit first; its last digit is one of the first 32 characters of
the alphabet, every other digit one of the last 32, so numbers need no separator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
    for doc_id, level in postings:
        parts.append(encode_varint(doc_id - previous - 1))
        parts.append(ALPHABET[level])
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
