"""The stored weight levels against BM25F as defined: fields longest first, each occurrence
weighted by its field and normalised by the field's length, saturated, quantized, flagged
when the term is in a name field."""

from __future__ import annotations

from dataclasses import astuple
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from scholarsite.search.encode import NAMED_FLAG, quantize_weight
from scholarsite.search.rank import (
    FIELDS,
    K1,
    NAME_FIELDS,
    PREFIX_MARK,
    TitleWords,
    weigh,
)
from scholarsite.search.vocabulary import Vocabulary

TERMS = st.sampled_from(["model", "data", "lu", "cheng", "2410.21276", "learn", "graph"])


def defined_levels(fields: dict[str, list[str]], averages: dict[str, float]) -> dict[str, int]:
    tf: dict[str, float] = {}
    for field in sorted(FIELDS, key=lambda f: -len(fields[f.name])):
        tokens = fields[field.name]
        norm = 1 - field.length_norm + field.length_norm * len(tokens) / averages[field.name]
        for term in dict.fromkeys(tokens):
            tf[term] = tf.get(term, 0.0) + field.weight * tokens.count(term) / norm
    named = {t for f in FIELDS if f.name in NAME_FIELDS for t in fields[f.name]}
    return {
        term: quantize_weight(value / (K1 + value), named=False)
        + (NAMED_FLAG if term in named else 0)
        for term, value in tf.items()
    }


def defined_averages(docs: list[dict[str, list[str]]]) -> dict[str, float]:
    averages = {}
    for field in FIELDS:
        lengths = [len(fields[field.name]) for fields in docs if fields[field.name]]
        averages[field.name] = sum(lengths) / len(lengths) if lengths else 1.0
    return averages


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({f.name: st.lists(TERMS, max_size=30) for f in FIELDS})))
def test_levels_are_bm25f_as_defined(docs: list[dict[str, list[str]]]) -> None:
    vocabulary = Vocabulary.of(tokens for fields in docs for tokens in fields.values())
    runs = {f.name: vocabulary.runs([fields[f.name] for fields in docs]) for f in FIELDS}
    with patch("scholarsite.search.rank.BLOCK_DOCS", 3):  # documents in several blocks
        weighted = weigh(runs, len(vocabulary.terms))
    found: dict[int, dict[str, int]] = {}
    postings = list(zip(*(a.tolist() for a in astuple(weighted)), strict=True))
    for term, doc, level in postings:
        found.setdefault(doc, {})[vocabulary.terms[term]] = level
    averages = defined_averages(docs)
    defined = {d: defined_levels(fields, averages) for d, fields in enumerate(docs)}
    assert found == {d: levels for d, levels in defined.items() if levels}
    assert postings == sorted(postings)  # in term, then document order


@given(st.lists(st.lists(st.sampled_from(["search", "se", "s", "sea", "graph", "of", "łódź"]))))
def test_title_prefixes_list_each_document_holding_them_once_in_order(
    titles: list[list[str]],
) -> None:
    defined: dict[str, list[int]] = {}
    for doc_id, words in enumerate(titles):
        held = {word[:n] + PREFIX_MARK for word in words for n in (1, 2, 3) if len(word) > n}
        for prefix in sorted(held):
            defined.setdefault(prefix, []).append(doc_id)
    gathered = TitleWords()
    for words in titles:
        gathered.add(words)
    assert gathered.prefix_docs() == defined
