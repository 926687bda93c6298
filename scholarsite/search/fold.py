"""Folding, tokenizing and stemming: the one definition of a search term.

``static/search.js`` repeats these rules exactly; ``tests/search/test_fold.py`` pins them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Letters that Unicode does not decompose into a base letter plus a mark.
SPECIAL_LETTERS: dict[str, str] = {
    "ł": "l",
    "ø": "o",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "\u0131": "i",  # dotless i
    "ħ": "h",
}

# Words too common to help; they are neither indexed nor searched.
STOPWORDS: frozenset[str] = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "we",
        "with",
    }
)

MAX_TERM_LENGTH = 40
TOKEN_PATTERN = re.compile(r"[0-9]{4}\.[0-9]+|[^\W_]+")
# The same tokens in folded ASCII text (lower case), found faster.
ASCII_TOKEN_PATTERN = re.compile(r"[0-9]{4}\.[0-9]+|[a-z0-9]+", re.ASCII)
ARXIV_VERSION = re.compile(r"v\d+$")


SPECIAL_TABLE = str.maketrans(SPECIAL_LETTERS)


def fold_char(char: str) -> str:
    """One lower-case character without its diacritics (``ą`` -> ``a``, ``ł`` -> ``l``)."""
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return bare.translate(SPECIAL_TABLE)


class FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character the first time it is seen."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


FOLD_TABLE = FoldTable()


def fold(text: str) -> str:
    """Text lower-cased and without diacritics: ``Łukasz Mądry`` -> ``lukasz madry``.

    Characters are folded one at a time, as ``static/search.js`` does."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return lowered.translate(FOLD_TABLE)


def words(text: str) -> list[str]:
    """The folded words of a text, in order, stopwords included."""
    folded = fold(text)
    return (ASCII_TOKEN_PATTERN if folded.isascii() else TOKEN_PATTERN).findall(folded)


@cache
def stem(word: str) -> str:
    """Fold English plurals onto the singular (the S-stemmer): ``models`` -> ``model``."""
    if len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def is_indexed(word: str) -> bool:
    return word not in STOPWORDS and len(word) <= MAX_TERM_LENGTH


def index_term(word: str) -> str:
    """The term a folded word is indexed under, or "" for a word that is not indexed."""
    return stem(word) if is_indexed(word) else ""


class TermTable(dict[str, str]):
    """:func:`index_term` of each word, worked out the first time the word is seen (a lookup
    in this table is cheaper than a call to a cached function, and it runs once per word)."""

    def __missing__(self, word: str) -> str:
        term = self[word] = index_term(word)
        return term


TERM_TABLE = TermTable()


def terms(text: str) -> list[str]:
    """The index terms of a text, in order, with repeats: stemmed words without stopwords."""
    return word_terms(words(text))


def word_terms(folded_words: list[str]) -> list[str]:
    """The index terms of a text's folded words (:func:`words`)."""
    return list(filter(None, map(TERM_TABLE.__getitem__, folded_words)))


@cache
def name_terms(name: str) -> tuple[str, ...]:
    """The index terms of one person's name (names repeat across papers, so this is cached)."""
    return tuple(terms(name))


def arxiv_term(arxiv: str) -> str:
    """The term an arXiv identifier is found by: folded, version dropped (``2410.21276v2``)."""
    return ARXIV_VERSION.sub("", fold(arxiv.strip()))
