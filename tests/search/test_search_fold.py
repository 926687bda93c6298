"""Folding, tokenizing and stemming: the rules both the index and the client follow."""

from __future__ import annotations

import pytest

from scholarsite.search.fold import arxiv_term, fold, stem, terms, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Łukasz", "lukasz"),
        ("Mądry", "madry"),
        ("Björn Schuller", "bjorn schuller"),
        ("Straße", "strasse"),
        ("Søren Ærø", "soren aero"),
        ("ﬁne", "fine"),  # compatibility ligature
        ("ASCII stays", "ascii stays"),
    ],
)
def test_fold_drops_case_and_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_of_a_text_is_the_fold_of_each_character() -> None:
    text = "Œuvre: Ångström, Ødegaard, Dvořák, İstanbul, Þór — ﬁne ½ Σ"
    assert fold(text) == "".join(fold(c) for c in text.lower())


def test_words_keep_arxiv_ids_whole_and_split_on_punctuation() -> None:
    assert words("GPT-4o (arXiv:2410.21276v2), e.g. 50%") == [
        "gpt",
        "4o",
        "arxiv",
        "2410.21276",
        "v2",
        "e",
        "g",
        "50",
    ]


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("models", "model"),
        ("studies", "study"),
        ("cases", "case"),
        ("analysis", "analysi"),
        ("class", "class"),
        ("corpus", "corpus"),
        ("gas", "gas"),  # too short to touch
        ("2410.21276", "2410.21276"),
    ],
)
def test_stem_folds_plurals(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_terms_drop_stopwords_and_stem() -> None:
    assert terms("The Consistency of Models and the Data") == ["consistency", "model", "data"]


@pytest.mark.parametrize(
    ("arxiv", "term"),
    [
        ("2410.21276", "2410.21276"),
        ("2410.21276v3", "2410.21276"),
        ("hep-th/9901001", "hep-th/9901001"),
    ],
)
def test_arxiv_term_drops_the_version(arxiv: str, term: str) -> None:
    assert arxiv_term(arxiv) == term


def test_ascii_and_unicode_texts_split_into_the_same_words() -> None:
    ascii_text = "Results on 2410.21276v2, e.g. 50% of GPT-4o_runs."
    assert words(ascii_text) == words(ascii_text + " é")[:-1]
