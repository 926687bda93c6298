"""The index files: layout, determinism, and ranking through the reference query."""

from __future__ import annotations

import base64
import json
import random
import zlib
from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarsite.search import SearchDoc, build_search_index
from scholarsite.search.encode import NAMED_FLAG, decode_postings
from scholarsite.search.fold import terms
from scholarsite.search.pairs import CHUNK_DOCS, may_hold_pair, pair_filter, pair_filters, pair_hash
from scholarsite.search.query import (
    Searcher,
    edit_distance,
    file_loader,
    posting_shard_of,
    query_words,
)
from scholarsite.search.rank import COMMON_LEVEL
from scholarsite.search.shards import INDEX_DIR, REGISTER, shortest_separator
from scholarsite.search.vocabulary import Vocabulary


def paper(slug: str, title: str, authors: tuple[str, ...], text: str, **extra: object) -> SearchDoc:
    doc = SearchDoc("paper", f"papers/{slug}/", title, authors, text, None, None, (), "")
    return replace(doc, **extra)  # type: ignore[arg-type]


def person(slug: str, name: str, *variants: str) -> SearchDoc:
    return SearchDoc("person", f"authors/{slug}/", name, (), "", None, None, variants, "")


MANY = tuple(f"Author{i} Person{i}" for i in range(400))
DOCS = [
    paper(
        "gpt-4o-system-card",
        "GPT-4o System Card",
        ("OpenAI", "Aleksander Mądry", "Łukasz Kaiser", *MANY),
        "GPT-4o is an autoregressive omni model that accepts any combination of inputs.",
        arxiv="2410.21276v2",
        year=2024,
    ),
    paper(
        "consistency",
        "Simplifying, Stabilizing and Scaling Continuous-Time Consistency Models",
        ("Cheng Lu", "Yang Song"),
        "Consistency models are a class of diffusion-based generative models.",
    ),
    paper(
        "emotion",
        "Speech Emotion Recognition with Dynamic Joint Distribution",
        ("Cheng Lu", "Björn Schuller"),
        "We study emotion recognition from speech across speakers.",
    ),
    paper(
        "mentions",
        "Sampling for Generative Models",
        ("Yang Song",),
        "Unlike consistency training, consistency distillation and consistency checks, we sample.",
    ),
    paper("markup", "<b>Bold</b> claims", ("Eve",), "<script>alert(1)</script> plain words"),
    person("aleksander-madry", "Aleksander Mądry", "Madry, Aleksander"),
    person("bjorn-schuller", "Björn Schuller"),
    person("lukasz-kaiser", "Łukasz Kaiser"),
    person("cheng-lu", "Cheng Lu"),
]


@pytest.fixture(scope="module")
def searcher() -> Searcher:
    return Searcher(file_loader(build_search_index(DOCS)))


def first_url(searcher: Searcher, query: str) -> str:
    hits = searcher.search(query)
    assert hits, f"no results for {query!r}"
    return hits[0].record[1]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("consistency", "papers/consistency/"),
        ("Consistency models", "papers/consistency/"),
        ("Mądry", "authors/aleksander-madry/"),
        ("madry", "authors/aleksander-madry/"),
        ("MADRY", "authors/aleksander-madry/"),
        ("lukasz", "authors/lukasz-kaiser/"),
        ("Aleksander Madry", "authors/aleksander-madry/"),
        ("autoregresive", "papers/gpt-4o-system-card/"),
        ("2410.21276", "papers/gpt-4o-system-card/"),
        ("arXiv:2410.21276v2", "papers/gpt-4o-system-card/"),
        ("2410.212", "papers/gpt-4o-system-card/"),
        ("schuller", "authors/bjorn-schuller/"),
        ("schuller emotion", "papers/emotion/"),
        ("consis", "papers/consistency/"),
        ("emotoin recognition", "papers/emotion/"),
        ("stabilising", "papers/consistency/"),
    ],
)
def test_expected_first_result(searcher: Searcher, query: str, expected: str) -> None:
    assert first_url(searcher, query) == expected


def test_title_outweighs_repeated_abstract_mentions(searcher: Searcher) -> None:
    urls = [h.record[1] for h in searcher.search("consistency")]
    assert urls.index("papers/consistency/") < urls.index("papers/mentions/")


def test_typo_matches_never_outrank_exact_ones() -> None:
    docs = [
        paper("exact", "Sampling methods", (), ""),
        paper("near", "Sampled methods", (), ""),
    ]
    found = Searcher(file_loader(build_search_index(docs))).search("sampling")
    assert [h.record[1] for h in found] == ["papers/exact/"]


def test_nothing_found_for_unknown_or_empty_queries(searcher: Searcher) -> None:
    assert searcher.search("zzzzqqq") == []
    assert searcher.search("   ") == []
    assert searcher.search("the of") == []


def test_results_do_not_depend_on_earlier_queries() -> None:
    files = build_search_index(DOCS)
    warm = Searcher(file_loader(files))
    for query in ("consistency", "schuller", "madry", "emotion"):
        warm.search(query)
    cold = Searcher(file_loader(files))
    for query in ("consis", "schuller emotion", "autoregresive"):
        assert warm.search(query) == cold.search(query)


def test_output_is_deterministic_and_independent_of_input_order() -> None:
    shuffled = list(DOCS)
    random.Random(7).shuffle(shuffled)
    assert build_search_index(DOCS) == build_search_index(shuffled)


def test_every_file_registers_itself_under_its_own_name() -> None:
    for path, data in build_search_index(DOCS).items():
        assert path.startswith(f"{INDEX_DIR}/") and path.endswith(".js")
        name = path[len(INDEX_DIR) + 1 : -3]
        text = data.decode()
        assert text.startswith(f'{REGISTER}("{name}",')
        json.loads(text[len(REGISTER) + len(name) + 4 : -3])


def test_corpus_markup_is_stored_as_data_not_markup() -> None:
    files = build_search_index(DOCS)
    records = b"".join(v for k, v in files.items() if "/d/" in k)
    assert b'"<b>Bold</b> claims"' in records  # JSON string: the client inserts it as text


def test_empty_corpus_gives_a_working_empty_index() -> None:
    assert Searcher(file_loader(build_search_index([]))).search("anything") == []


def test_open_last_word_is_a_prefix_and_trailing_stopwords_are_optional() -> None:
    words = query_words("emotion and")
    assert [(w.word, w.open, w.required) for w in words] == [
        ("emotion", False, True),
        ("and", True, False),
    ]
    assert [w.open for w in query_words("emotion ")] == [False]


@pytest.mark.parametrize(
    ("word", "term", "prefix", "distance"),
    [
        ("autoregresive", "autoregressive", False, 1),
        ("emotoin", "emotion", False, 1),  # transposition
        ("autoregresi", "autoregressive", True, 1),
        ("autoregresi", "autoregressive", False, 3),
        ("model", "model", False, 0),
    ],
)
def test_edit_distance(word: str, term: str, prefix: bool, distance: int) -> None:
    assert edit_distance(word, term, 2, prefix) == min(distance, 3)


def test_pair_filter_holds_adjacent_words_of_the_abstract() -> None:
    encoded = pair_filter(terms("Sparse genes evolve across long-range synapses."))
    assert may_hold_pair(encoded, "sparse", "gene")
    assert may_hold_pair(encoded, "long", "range")
    assert not may_hold_pair(encoded, "gene", "sparse")
    assert not may_hold_pair(pair_filter(terms("")), "sparse", "gene")
    assert not may_hold_pair(pair_filter(["alone"]), "alone", "alone")


@given(st.lists(st.sampled_from(["gene", "sparse", "łódź", "2410.21276", "a", "long"])))
def test_pair_filter_sets_the_three_bits_of_each_pair_and_no_other(words: list[str]) -> None:
    bits = 0
    for first, second in pairwise(words):
        value = pair_hash(first, second)
        bits |= 1 << (value & 511) | 1 << (value >> 9 & 511) | 1 << (value >> 18 & 511)
    encoded = pair_filter(words)
    raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4)) if encoded else b""
    assert raw == (bits.to_bytes(64, "little") if len(words) > 1 else b"")


def test_filters_of_many_documents_are_each_documents_own() -> None:
    rng = random.Random(7)
    words = ["gene", "sparse", "łódź", "2410.21276", "a", "long", "model"]
    texts = [rng.choices(words, k=rng.choice([0, 1, 2, 5, 30])) for _ in range(CHUNK_DOCS + 900)]
    vocabulary = Vocabulary.of(texts)
    found = pair_filters(vocabulary.runs(texts), vocabulary)
    assert found == [pair_filter(text) for text in texts]


def test_pair_hash_mixes_the_crc32_of_each_term() -> None:
    assert pair_hash("a", "b") == zlib.crc32(b"a") ^ (zlib.crc32(b"b") * 0x9E3779B1) % 2**32
    assert pair_hash("łódź", "gene") == zlib.crc32("łódź".encode()) ^ (
        zlib.crc32(b"gene") * 0x9E3779B1 % 2**32
    )
    assert pair_hash("a", "b") != pair_hash("b", "a")
    assert len(pair_filter(["a", "b"])) == 86  # 64 bytes in base 64, without padding


def test_shard_separators_are_short_and_find_every_term() -> None:
    assert shortest_separator("model", "modular") == "modu"
    assert shortest_separator("a", "b") == "b"
    assert shortest_separator("ab", "abc") == "abc"
    files = build_search_index(DOCS)
    load = file_loader(files)
    meta = load("meta")
    for number in range(len(meta["f"]) + 1):
        for term in load(f"p/{number}")["t"].split(" "):
            assert posting_shard_of(meta["f"], term) == number


def test_a_run_of_abstract_words_lifts_the_paper_holding_it() -> None:
    run = "lifelong sheaf bounds interlacing knots"
    docs = [
        paper("a-scattered", "A", (), "knots and lifelong study; interlacing sheaf bounds appear"),
        paper("b-run", "B", (), f"We show that {run} matter."),
    ]
    found = Searcher(file_loader(build_search_index(docs))).search(run)
    assert [h.record[1] for h in found] == ["papers/b-run/", "papers/a-scattered/"]


def test_very_common_words_outside_names_share_one_level() -> None:
    filler = "show results across many tasks and settings"
    docs = [
        paper(f"p{i}", f"Topic{i} study", (), f"{filler} {'show ' * (i % 3)}") for i in range(30)
    ]
    docs.append(paper("named", "Show and tell", (), filler))
    files = build_search_index(docs)
    load = file_loader(files)
    meta = load("meta")
    shard = load(f"p/{posting_shard_of(meta['f'], 'show')}")
    encoded = shard["p"][shard["t"].split(" ").index("show")]
    levels = {level for _, level in decode_postings(encoded)}
    assert levels == {COMMON_LEVEL, max(levels)} and max(levels) > NAMED_FLAG


def test_a_long_query_keeps_its_eight_longest_words_in_order() -> None:
    query = (
        "unsupervised hippocampal retrieval of augmented population coding causal systems "
        "case study"
    )
    kept = [w.word for w in query_words(query)]
    assert kept == [
        "unsupervised",
        "hippocampal",
        "retrieval",
        "augmented",
        "population",
        "coding",
        "causal",
        "systems",
    ]
    assert len(query_words("alpha beta gamma delta epsilon zeta eta theta")) == 8


def test_a_pasted_long_title_still_finds_its_paper() -> None:
    title = (
        "Unsupervised Hippocampal Retrieval in Augmented Population Coding: Causal Systems "
        "Case Study"
    )
    docs = [*DOCS, paper("long", title, ("Ann Lee",), "We study memory.")]
    found = Searcher(file_loader(build_search_index(docs))).search(title)
    assert found[0].record[1] == "papers/long/"
