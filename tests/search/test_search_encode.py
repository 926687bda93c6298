"""The compact encodings of the index files round-trip."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from scholarsite.search.encode import (
    NAMED_FLAG,
    Weighted,
    decode_postings,
    decode_varints,
    encode_postings,
    encode_varint,
    encode_varints,
    posting_lists,
    quantize_weight,
    quantize_weights,
)


@given(st.lists(st.integers(min_value=0, max_value=10**9)))
def test_varints_round_trip(values: list[int]) -> None:
    assert decode_varints(encode_varints(values)) == values


def test_small_numbers_take_one_character() -> None:
    assert [len(encode_varint(v)) for v in (0, 31, 32, 1023, 1024)] == [1, 1, 2, 2, 3]


@given(
    st.dictionaries(
        st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=63)
    )
)
def test_postings_round_trip(postings: dict[int, int]) -> None:
    pairs = sorted(postings.items())
    assert list(decode_postings(encode_postings(pairs))) == pairs


def weighted(docs: list[dict[str, int]], terms: list[str]) -> Weighted:
    """Each document's ``{term: level}`` as weighted postings, in term and document order."""
    rows = sorted(
        (terms.index(term), doc_id, level)
        for doc_id, levels in enumerate(docs)
        for term, level in levels.items()
    )
    term, doc, level = np.array(rows, dtype=np.int64).reshape(-1, 3).T
    return Weighted(term, doc, level)


@given(
    st.lists(
        st.dictionaries(st.sampled_from(["a", "b", "c~", "d"]), st.integers(1, 63)),
        max_size=40,
    ),
    st.integers(min_value=0, max_value=40_000),
    st.integers(min_value=0, max_value=8),
)
def test_posting_lists_are_what_encode_postings_writes(
    docs: list[dict[str, int]], skip: int, common_over: int
) -> None:
    docs = [{}] * skip + docs  # gaps beyond the table of short numbers too
    terms = ["d", "c~", "b", "a"]
    with patch("scholarsite.search.encode.CHUNK_POSTINGS", 3):  # in several chunks
        lists = posting_lists(weighted(docs, terms), terms, common_over, common_level=14)
    for term, found in lists.items():
        pairs = [(doc_id, levels[term]) for doc_id, levels in enumerate(docs) if term in levels]
        if len(pairs) > common_over:  # a common term's levels below the name flag are one
            pairs = [(d, level if level >= NAMED_FLAG else 14) for d, level in pairs]
        assert found.encoded == encode_postings(pairs)
        assert found.count == len(pairs)
    assert set(lists) == {term for levels in docs for term in levels}


def test_quantized_weights_are_never_zero_and_carry_the_name_flag() -> None:
    assert quantize_weight(0.0, named=False) == 1
    assert quantize_weight(0.999, named=False) == 31
    assert quantize_weight(0.5, named=True) == NAMED_FLAG + 16


@given(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.booleans())))
def test_quantizing_many_weights_quantizes_each(weights: list[tuple[float, bool]]) -> None:
    values = np.array([w for w, _ in weights], dtype=np.float64)
    named = np.array([n for _, n in weights], dtype=bool)
    found = quantize_weights(values, named).tolist()
    assert found == [quantize_weight(w, named=n) for w, n in weights]
