"""The query side of the index, in Python: the reference for ``static/search.js``.

The browser client runs the same steps on the same files; tests and the benchmark use this
module to check rankings without a browser, and the browser tests check the client agrees.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from scholarsite.search.encode import NAMED_FLAG, WEIGHT_LEVELS, decode_postings, decode_varints
from scholarsite.search.fold import STOPWORDS, fold, stem, words
from scholarsite.search.pairs import may_hold_pair
from scholarsite.search.rank import PREFIX_MARK, TITLE_PREFIX_LENGTHS, idf
from scholarsite.search.shards import INDEX_DIR, REGISTER

PREFIX_WEIGHT = 0.5
PREFIX_EXPANSIONS = 8
TYPO_WEIGHTS = {1: 0.5, 2: 0.3}
TYPO_EXPANSIONS = 3
PHRASE_BOOST = 1.5
TITLE_START_BOOST = 1.2
WHOLE_TITLE_BOOST = 1.2
TEXT_PHRASE_BOOST = 1.3
PAIR_QUERY_WORDS = 3
NAME_BOOST = 2.0
RESULT_LIMIT = 10
MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class Expansion:
    term: str
    factor: float


@dataclass(frozen=True)
class QueryWord:
    word: str
    open: bool  # the last word of a query still being typed: prefixes match
    required: bool  # counts towards "all words present" (stopwords do not)


@dataclass(frozen=True)
class Hit:
    doc_id: int
    score: float
    record: list[str]


@dataclass
class WordMatch:
    """One query word's best score in each document, and whether it matched a name field."""

    scores: dict[int, float]
    named: set[int]
    terms: set[str]


@dataclass(frozen=True)
class Dictionary:
    terms: list[str]
    freqs: list[int]

    def find(self, term: str) -> int | None:
        try:
            return self.terms.index(term)
        except ValueError:
            return None


Loader = Callable[[str], Any]


def file_loader(files: Mapping[str, bytes]) -> Loader:
    """Read index files as the browser does: each is one call of the registration function."""

    def load(name: str) -> Any:
        text = files[f"{INDEX_DIR}/{name}.js"].decode()
        head = f'{REGISTER}("{name}",'
        if not text.startswith(head) or not text.endswith(");\n"):
            raise ValueError(f"{INDEX_DIR}/{name}.js:1: not a search index file")
        return json.loads(text[len(head) : -3])

    return load


def parse_dictionary(data: dict[str, Any]) -> Dictionary:
    return Dictionary(data["t"].split(" "), decode_varints(data["f"]))


def posting_shard_of(separators: list[str], term: str) -> int:
    """The posting shard that holds ``term`` if the index has it."""
    return bisect.bisect_right(separators, term)


def query_words(query: str) -> list[QueryWord]:
    """The words to look up; the last is open (a prefix) unless the query ends in a separator.

    Stopwords are dropped, except an open last word (it may become "form" or "theory"), which
    is looked up but not required."""
    found = words(query)
    folded = fold(query)
    last_open = bool(found) and bool(folded) and folded[-1].isalnum()
    result = []
    for index, word in enumerate(found):
        is_open = last_open and index == len(found) - 1
        if word not in STOPWORDS or is_open:
            result.append(QueryWord(word, is_open, word not in STOPWORDS))
    if result and not any(w.required for w in result):
        return [QueryWord(w.word, w.open, True) for w in result]
    return longest_words(result) if len(result) > MAX_QUERY_WORDS else result


def longest_words(qwords: list[QueryWord]) -> list[QueryWord]:
    """The ``MAX_QUERY_WORDS`` longest required words of a long query, in query order.

    Ten words pin a title down; the shortest are the most common and have the longest
    posting lists, so leaving them out keeps a pasted title's first query small."""
    ranked = sorted((-len(w.word), i) for i, w in enumerate(qwords) if w.required)
    keep = {i for _, i in ranked[:MAX_QUERY_WORDS]}
    return [w for i, w in enumerate(qwords) if i in keep]


def edit_distance(word: str, term: str, limit: int, prefix: bool) -> int:
    """Optimal-string-alignment distance (``limit + 1`` once over it); with ``prefix``, to the
    closest prefix of ``term``."""
    if not prefix and abs(len(word) - len(term)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(word) + 1))
    best = previous[-1]
    for i in range(1, len(term) + 1):
        row = [i] + [0] * len(word)
        for j in range(1, len(word) + 1):
            cost = 0 if term[i - 1] == word[j - 1] else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and term[i - 1] == word[j - 2] and term[i - 2] == word[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 1)
        best = min(best, row[-1])
        if min(row) > limit:
            return min(best, limit + 1) if prefix else limit + 1
        previous2, previous = previous, row
    return min(best if prefix else previous[-1], limit + 1)


def typo_limit(word: str) -> int:
    if not word.isalpha() or len(word) < 4:
        return 0
    return 2 if len(word) >= 8 else 1


def prefix_expansions(dictionary: Dictionary, word: str, exact: str) -> list[Expansion]:
    found = [
        (-dictionary.freqs[i], term)
        for i, term in enumerate(dictionary.terms)
        if term.startswith(word) and term != exact and PREFIX_MARK not in term
    ]
    return [Expansion(t, PREFIX_WEIGHT) for _, t in sorted(found)[:PREFIX_EXPANSIONS]]


def typo_expansions(dictionary: Dictionary, word: QueryWord) -> list[Expansion]:
    target = stem(word.word)
    limit = typo_limit(target)
    if not limit:
        return []
    found = []
    for i, term in enumerate(dictionary.terms):
        if PREFIX_MARK in term:
            continue
        distance = edit_distance(target, term, limit, word.open)
        if distance <= limit:
            found.append((distance, -dictionary.freqs[i], term))
    return [Expansion(t, TYPO_WEIGHTS[d]) for d, _, t in sorted(found)[:TYPO_EXPANSIONS]]


def expand(dictionary: Dictionary, word: QueryWord) -> list[Expansion]:
    """The terms a query word stands for: itself, completions if open, else near misses."""
    exact = stem(word.word)
    found = []
    if word.word not in STOPWORDS and dictionary.find(exact) is not None:
        found.append(Expansion(exact, 1.0))
    if word.open:
        found += prefix_expansions(dictionary, word.word, exact)
    return found or typo_expansions(dictionary, word)


def shard_for(prefixes: list[str], word: str) -> int | None:
    """The dictionary shard of the longest prefix of ``word``."""
    best = None
    for number, prefix in enumerate(prefixes):
        if word.startswith(prefix) and (best is None or len(prefix) > len(prefixes[best])):
            best = number
    return best


class Searcher:
    """Runs queries against one built index through a loader (files or a site directory)."""

    def __init__(self, load: Loader) -> None:
        self.load = load
        self.meta = load("meta")
        self.dictionaries: dict[int, Dictionary] = {}

    def dictionary(self, word: str) -> Dictionary | None:
        number = shard_for(self.meta["t"], word)
        if number is None:
            return None
        if number not in self.dictionaries:
            self.dictionaries[number] = parse_dictionary(self.load(f"t/{number}"))
        return self.dictionaries[number]

    def postings(self, term: str, factor: float) -> list[tuple[int, float, bool]]:
        """``(doc id, score, named)`` for one term, or nothing if the index lacks it."""
        shard = self.load(f"p/{posting_shard_of(self.meta['f'], term)}")
        names = shard["t"].split(" ")
        if term not in names:
            return []
        found = list(decode_postings(shard["p"][names.index(term)]))
        weight = factor * idf(self.meta["n"], len(found))
        return [
            (doc_id, weight * (level % NAMED_FLAG) / WEIGHT_LEVELS, level >= NAMED_FLAG)
            for doc_id, level in found
        ]

    def expansions(self, word: QueryWord) -> list[Expansion]:
        """A query word's terms; one open letter stands only for title words it starts."""
        dictionary = self.dictionary(stem(word.word))
        single_letter = word.open and len(word.word) == 1
        found = expand(dictionary, word) if dictionary and not single_letter else []
        if word.open and len(word.word) in TITLE_PREFIX_LENGTHS:
            found.append(Expansion(word.word + PREFIX_MARK, PREFIX_WEIGHT))
        return found

    def word_match(self, word: QueryWord) -> WordMatch:
        match = WordMatch({}, set(), set())
        for expansion in self.expansions(word):
            for doc_id, score, named in self.postings(expansion.term, expansion.factor):
                match.terms.add(expansion.term)
                if score > match.scores.get(doc_id, 0.0):
                    match.scores[doc_id] = score
                if named:
                    match.named.add(doc_id)
        return match

    def record(self, doc_id: int) -> list[str]:
        per_shard = int(self.meta["b"])
        return list(self.load(f"d/{doc_id // per_shard}")[doc_id % per_shard])

    def search(self, query: str, limit: int = RESULT_LIMIT) -> list[Hit]:
        qwords = query_words(query)
        matches = [self.word_match(w) for w in qwords]
        ranked = sorted((-score, d) for d, score in combine(qwords, matches).items())[:limit]
        pairs = query_pairs(qwords, matches)
        hits = []
        for negative, doc_id in ranked:
            record = self.record(doc_id)
            boost = phrase_boost(words(record[2]), query, qwords, matches)
            if boost == 1 and pairs and holds_pairs(record[4], pairs):
                boost = TEXT_PHRASE_BOOST
            hits.append(Hit(doc_id, -negative * boost, record))
        return sorted(hits, key=lambda h: (-h.score, h.doc_id))


Pairs = list[tuple[set[str], set[str]]]


def query_pairs(qwords: list[QueryWord], matches: list[WordMatch]) -> Pairs:
    """The term sets of adjacent required words, for queries of ``PAIR_QUERY_WORDS`` or more."""
    required = [
        {t for t in m.terms if PREFIX_MARK not in t}
        for w, m in zip(qwords, matches, strict=True)
        if w.required
    ]
    if len(required) < PAIR_QUERY_WORDS:
        return []
    return list(pairwise(required))


def holds_pairs(encoded: str, pairs: Pairs) -> bool:
    """Whether the abstract holds every adjacent pair of query words (by its pair filter)."""
    return all(
        any(may_hold_pair(encoded, a, b) for a in sorted(firsts) for b in sorted(seconds))
        for firsts, seconds in pairs
    )


def combine(qwords: list[QueryWord], matches: list[WordMatch]) -> dict[int, float]:
    """Sum of word scores, times the squared share of required words present, doubled when
    every required word is in a name field (title, person name, author)."""
    required = sum(1 for w in qwords if w.required)
    totals: dict[int, float] = {}
    present: dict[int, int] = {}
    named: dict[int, int] = {}
    for word, match in zip(qwords, matches, strict=True):
        for doc_id, score in match.scores.items():
            totals[doc_id] = totals.get(doc_id, 0.0) + score
            if word.required:
                present[doc_id] = present.get(doc_id, 0) + 1
                named[doc_id] = named.get(doc_id, 0) + (doc_id in match.named)
    result = {}
    for doc_id, total in totals.items():
        share = present.get(doc_id, 0) / required
        boost = NAME_BOOST if named.get(doc_id, 0) == required else 1
        result[doc_id] = total * share**2 * boost
    return result


def word_fits(title_word: str, query_word: str, match: WordMatch | None, is_open: bool) -> bool:
    if title_word == query_word or (is_open and title_word.startswith(query_word)):
        return True
    return match is not None and stem(title_word) in match.terms


def phrase_boost(
    title: list[str], query: str, qwords: list[QueryWord], matches: list[WordMatch]
) -> float:
    """Boost a title that holds the query's words in order, side by side (typos and stems
    allowed as matched): more for two words or more, more again at the title's start, and
    again when the query is the whole title (a person's full name)."""
    every = words(query)
    by_word = {w.word: m for w, m in zip(qwords, matches, strict=True)}
    last_open = qwords[-1].open if qwords else False
    for start in range(len(title) - len(every) + 1):
        if every and all(
            word_fits(title[start + k], w, by_word.get(w), last_open and k == len(every) - 1)
            for k, w in enumerate(every)
        ):
            boost = PHRASE_BOOST if len(every) > 1 else 1.0
            if start == 0:
                boost *= TITLE_START_BOOST
                boost *= WHOLE_TITLE_BOOST if len(every) == len(title) else 1.0
            return boost
    return 1.0
