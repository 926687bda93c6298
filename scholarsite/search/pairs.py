"""Word-pair filters: which adjacent word pairs a paper's abstract holds, in 512 bits.

A Bloom filter per paper (three bits per pair of adjacent index terms) lets the client tell,
for the few results on screen, whether a long query occurs as a run of words in the abstract,
without shipping positions for every posting.

A pair ``first second`` sets the bits given by three 9-bit fields of the CRC-32 of its UTF-8
bytes (``zlib.crc32``, which the client computes with a few lines of JavaScript). The filter
is stored as the base-64 text of its 64 bytes, bit ``b`` being bit ``b % 8`` of byte ``b // 8``.
"""

from __future__ import annotations

import binascii
import zlib
from collections.abc import Sequence
from itertools import pairwise

FILTER_BITS = 512
FILTER_BYTES = FILTER_BITS // 8
FIELD_BITS = 9  # FILTER_BITS == 1 << FIELD_BITS
FIELD_MASK = FILTER_BITS - 1
BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def pair_hash(first: str, second: str) -> int:
    """CRC-32 of ``"first second"`` in UTF-8 (the client computes the same)."""
    return zlib.crc32(f"{first} {second}".encode())


def hash_bits(value: int) -> tuple[int, int, int]:
    """The three filter bits of a pair hash: its low three 9-bit fields."""
    return (
        value & FIELD_MASK,
        value >> FIELD_BITS & FIELD_MASK,
        value >> 2 * FIELD_BITS & FIELD_MASK,
    )


def pair_filter(terms: Sequence[str]) -> str:
    """The filter of a text's adjacent term pairs (``""`` without pairs)."""
    if len(terms) < 2:
        return ""
    flags = bytearray(FILTER_BITS)  # one byte per bit: setting one allocates nothing
    for value in map(zlib.crc32, map(str.encode, map(" ".join, pairwise(terms)))):
        flags[value & FIELD_MASK] = 1
        flags[value >> FIELD_BITS & FIELD_MASK] = 1
        flags[value >> 2 * FIELD_BITS & FIELD_MASK] = 1
    bits = int(flags.translate(BINARY_DIGITS)[::-1], 2)  # bit 0 is the last digit
    raw = bits.to_bytes(FILTER_BYTES, "little")
    return binascii.b2a_base64(raw, newline=False).decode().rstrip("=")


def may_hold_pair(encoded: str, first: str, second: str) -> bool:
    """False if the text surely lacks the pair; true if it holds it (or, rarely, by chance)."""
    if not encoded:
        return False
    raw = binascii.a2b_base64(encoded + "=" * (-len(encoded) % 4))
    return all(raw[bit >> 3] >> (bit & 7) & 1 for bit in hash_bits(pair_hash(first, second)))
