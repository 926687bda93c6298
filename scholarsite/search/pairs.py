"""Word-pair filters: which adjacent word pairs a paper's abstract holds, in 512 bits.

A Bloom filter per paper (three bits per pair of adjacent index terms) lets the client tell,
for the few results on screen, whether a long query occurs as a run of words in the abstract,
without shipping positions for every posting.
"""

from __future__ import annotations

from itertools import pairwise

from scholarsite.search.encode import ALPHABET, DIGIT
from scholarsite.search.fold import terms

FILTER_BITS = 512
HASHES = 3
BITS_PER_CHAR = 6


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over code points (the client computes the same)."""
    value = 0x811C9DC5
    for char in text:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value


def pair_bits(first: str, second: str) -> list[int]:
    base = fnv1a(f"{first} {second}")
    step = fnv1a(f"{second} {first}") | 1
    return [(base + i * step) % FILTER_BITS for i in range(HASHES)]


def pair_filter(text: str) -> str:
    """The filter of a text's adjacent term pairs, 6 bits a character ("" without pairs)."""
    cells = [0] * -(-FILTER_BITS // BITS_PER_CHAR)
    found = False
    for first, second in pairwise(terms(text)):
        found = True
        for bit in pair_bits(first, second):
            cells[bit // BITS_PER_CHAR] |= 1 << (bit % BITS_PER_CHAR)
    return "".join(ALPHABET[c] for c in cells) if found else ""


def may_hold_pair(encoded: str, first: str, second: str) -> bool:
    """False if the text surely lacks the pair; true if it holds it (or, rarely, by chance)."""
    if not encoded:
        return False
    return all(
        DIGIT[encoded[bit // BITS_PER_CHAR]] >> (bit % BITS_PER_CHAR) & 1
        for bit in pair_bits(first, second)
    )
