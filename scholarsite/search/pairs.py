"""Word-pair filters: which adjacent word pairs a paper's abstract holds, in 512 bits.

A Bloom filter per paper (three bits per pair of adjacent index terms) lets the client tell,
for the few results on screen, whether a long query occurs as a run of words in the abstract,
without shipping positions for every posting.

A pair ``first second`` sets the bits given by three 9-bit fields of its hash: the CRC-32 of
the first term's UTF-8 bytes, xor the CRC-32 of the second's times ``PAIR_MIX`` (modulo
2**32). ``static/search.js`` computes the same with ``Math.imul``; the terms' CRCs are
computed once per term, so a corpus's pairs are hashed in a few array operations. The filter
is stored as the base-64 text of its 64 bytes, bit ``b`` being bit ``b % 8`` of byte ``b // 8``.
"""

from __future__ import annotations

import binascii
import zlib
from collections.abc import Sequence

import numpy as np

from scholarsite.search.vocabulary import Ints, Runs, Vocabulary

FILTER_BITS = 512
FIELD_BITS = 9  # FILTER_BITS == 1 << FIELD_BITS
FIELD_MASK = FILTER_BITS - 1
PAIR_MIX = 0x9E3779B1  # odd, so the product keeps every bit of the second term's CRC
WORD_MASK = 0xFFFFFFFF
CHUNK_DOCS = 4096  # texts whose filters are made at a time


def term_hash(term: str) -> int:
    return zlib.crc32(term.encode())


def pair_hash(first: str, second: str) -> int:
    """The hash of an adjacent pair of terms (the client computes the same)."""
    return term_hash(first) ^ (term_hash(second) * PAIR_MIX & WORD_MASK)


def hash_bits(value: int) -> tuple[int, int, int]:
    """The three filter bits of a pair hash: its low three 9-bit fields."""
    return (
        value & FIELD_MASK,
        value >> FIELD_BITS & FIELD_MASK,
        value >> 2 * FIELD_BITS & FIELD_MASK,
    )


def pair_filters(texts: Runs, vocabulary: Vocabulary) -> list[str]:
    """The filter of each text's adjacent term pairs (``""`` for one without pairs), given the
    texts' term ids, a chunk of texts at a time (which bounds the memory)."""
    hashes = np.fromiter(map(term_hash, vocabulary.terms), np.uint64, len(vocabulary.terms))
    filters: list[str] = []
    count = len(texts.lengths)
    for start in range(0, count, CHUNK_DOCS):
        runs = texts.between(start, min(start + CHUNK_DOCS, count))
        docs = runs.docs
        firsts = np.flatnonzero(docs[1:] == docs[:-1])  # a pair is a term and the next
        values = hashes[runs.ids[firsts]] ^ (hashes[runs.ids[firsts + 1]] * PAIR_MIX & WORD_MASK)
        raw = _filter_bytes(docs[firsts], values, len(runs.lengths))
        held = (runs.lengths >= 2).tolist()
        filters += [_text(row) if has else "" for row, has in zip(raw, held, strict=True)]
    return filters


def pair_filter(terms: Sequence[str]) -> str:
    """The filter of one document's terms."""
    vocabulary = Vocabulary.of([terms])
    return pair_filters(vocabulary.runs([terms]), vocabulary)[0]


def _filter_bytes(owners: Ints, values: Ints, count: int) -> np.ndarray:
    """The filters of ``count`` documents, a row of bytes each, given each pair's document
    and hash."""
    bits = np.zeros((count, FILTER_BITS), dtype=bool)
    for shift in range(0, 3 * FIELD_BITS, FIELD_BITS):
        bits[owners, (values >> shift & FIELD_MASK).astype(np.int64)] = True
    return np.packbits(bits, axis=1, bitorder="little")


def _text(row: np.ndarray) -> str:
    return binascii.b2a_base64(row.tobytes(), newline=False).decode().rstrip("=")


def may_hold_pair(encoded: str, first: str, second: str) -> bool:
    """False if the text surely lacks the pair; true if it holds it (or, rarely, by chance)."""
    if not encoded:
        return False
    raw = binascii.a2b_base64(encoded + "=" * (-len(encoded) % 4))
    return all(raw[bit >> 3] >> (bit & 7) & 1 for bit in hash_bits(pair_hash(first, second)))
