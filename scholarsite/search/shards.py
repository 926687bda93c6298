"""Split the index into small script files that a query loads only a few of.

Layout under ``search/idx/`` (every file calls ``scholarsiteSearchIndex(name, data)``):

- ``meta.js``: document count, documents per shard, the term-dictionary prefixes, where
  each posting shard starts (the shortest start of its first term that tells it apart).
- ``t/<n>.js``: the sorted terms that share a prefix, with document frequencies (term
  dictionary; typo and prefix matching run over it).
- ``p/<n>.js``: a contiguous range of sorted terms and their posting lists. ``meta.js`` says
  which shard a term is in, so a word typed in full needs no dictionary lookup.
- ``d/<n>.js``: what a result shows (kind, url, title, detail) and the word-pair filter of
  its abstract, for ``DOCS_PER_SHARD`` documents: one request per result gives both.
- ``x/<n>.js``: the plain text of ``TEXTS_PER_SHARD`` documents, for snippets on the search
  page (only papers have text; shards of people only are left out).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np

from scholarsite.search import SearchDoc
from scholarsite.search.encode import PostingList, Weighted, encode_varints, posting_lists
from scholarsite.search.fold import terms
from scholarsite.search.pairs import pair_filters
from scholarsite.search.rank import (
    COMMON_LEVEL,
    FIELDS,
    PREFIX_LEVEL,
    TitleWords,
    analyse,
    common_over,
    weigh,
)
from scholarsite.search.vocabulary import RunsBuilder, Vocabulary

INDEX_DIR = "search/idx"
REGISTER = "scholarsiteSearchIndex"
DOCS_PER_SHARD = 32
TEXTS_PER_SHARD = 64
POSTING_SHARD_CHARS = 6000
DICT_SHARD_CHARS = 6000
SNIPPET_TEXT_CHARS = 1500

Postings = dict[str, PostingList]


@dataclass(frozen=True)
class PostingShards:
    terms: list[list[str]]
    lists: list[list[str]]
    shard_of: dict[str, int]


def sort_docs(docs: Sequence[SearchDoc]) -> list[SearchDoc]:
    """Documents in a fixed order (by URL), so the same corpus always gives the same ids."""
    return sorted(docs, key=lambda d: (d.url, d.kind, d.title))


@dataclass(frozen=True)
class IndexSource:
    """What the index is written from: its terms, the weighted postings of every document,
    the documents of each title word (for the title prefixes) and each one's word-pair filter."""

    vocabulary: Vocabulary
    postings: Weighted
    title_words: TitleWords
    filters: list[str]


def weigh_docs(ordered: Sequence[SearchDoc]) -> IndexSource:
    """The documents' terms, weighed. Each document's terms by field, the largest structure the
    index makes, are kept as term ids, numbered as they come."""
    vocabulary = Vocabulary.of(())  # numbered as the documents come
    fields = {field.name: RunsBuilder() for field in FIELDS}
    texts = RunsBuilder()
    title_words = TitleWords()
    for doc in ordered:
        text = terms(doc.text)
        found = analyse(doc, text)
        for name, listed in found.fields.items():  # in one order: it decides the numbering
            fields[name].add(vocabulary.number(listed), len(listed))
        texts.add(map(vocabulary.ids.__getitem__, text), len(text))
        title_words.add(found.title_words)
    runs = {name: built.runs() for name, built in fields.items()}
    return IndexSource(
        vocabulary,
        weigh(runs, len(vocabulary.terms)),
        title_words,
        pair_filters(texts.runs(), vocabulary),
    )


def collect_postings(source: IndexSource) -> Postings:
    """Every term's posting list, title-prefix pseudo-terms included."""
    count = len(source.filters)
    postings = posting_lists(
        source.postings, source.vocabulary.terms, common_over(count), COMMON_LEVEL
    )
    prefixes = source.title_words.prefix_docs()
    sizes = [len(doc_ids) for doc_ids in prefixes.values()]
    listed = Weighted(
        np.repeat(np.arange(len(prefixes), dtype=np.int32), sizes),
        np.fromiter(chain.from_iterable(prefixes.values()), dtype=np.int32, count=sum(sizes)),
        np.full(sum(sizes), PREFIX_LEVEL, dtype=np.uint8),
    )
    postings.update(posting_lists(listed, list(prefixes)))
    return postings


def pack_postings(postings: Postings) -> PostingShards:
    """Posting lists in term order, cut into shards of about ``POSTING_SHARD_CHARS``."""
    terms: list[list[str]] = [[]]
    lists: list[list[str]] = [[]]
    size = 0
    shard_of: dict[str, int] = {}
    for term in sorted(postings):
        encoded = postings[term].encoded
        if lists[-1] and size + len(encoded) > POSTING_SHARD_CHARS:
            terms.append([])
            lists.append([])
            size = 0
        shard_of[term] = len(lists) - 1
        terms[-1].append(term)
        lists[-1].append(encoded)
        size += len(encoded) + len(term) + 4
    return PostingShards(terms, lists, shard_of)


def dictionary_size(terms: Sequence[str]) -> int:
    return sum(len(t) + 3 for t in terms)


def group_by_prefix(terms: Sequence[str], length: int = 1) -> dict[str, list[str]]:
    """Sorted terms grouped by prefix; a group over ``DICT_SHARD_CHARS`` splits one level deeper."""
    groups: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        groups[term[:length]].append(term)
    result: dict[str, list[str]] = {}
    for prefix, members in sorted(groups.items()):
        too_big = dictionary_size(members) > DICT_SHARD_CHARS
        if too_big and any(len(t) > length for t in members):
            result.update(group_by_prefix(members, length + 1))
        else:
            result[prefix] = members
    return result


def dictionary_shard(terms: Sequence[str], postings: Postings) -> object:
    """Terms (space-separated) and their document frequencies."""
    return {"t": " ".join(terms), "f": encode_varints([postings[t].count for t in terms])}


def doc_record(doc: SearchDoc, pairs: str) -> list[str]:
    """What a result shows, and the pair filter of its text's terms."""
    kind = "p" if doc.kind == "paper" else "a"
    return [kind, doc.url, doc.title, doc.detail, pairs]


def script(name: str, data: object) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f'{REGISTER}("{name}",{payload});\n'.encode()


def chunks(items: Sequence[SearchDoc], size: int) -> list[Sequence[SearchDoc]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def index_files(docs: Sequence[SearchDoc]) -> Iterator[tuple[str, bytes]]:
    """Every index file, as (path relative to the site root, bytes), one at a time: the
    documents' and texts' shards, most of the index's bytes, are each made when they are
    given."""
    ordered = sort_docs(docs)
    source = weigh_docs(ordered)
    filters = source.filters
    postings = collect_postings(source)
    del source  # the weighted postings and the vocabulary, now in ``postings``
    packed = pack_postings(postings)
    groups = group_by_prefix(sorted(postings))

    def file(name: str, data: object) -> tuple[str, bytes]:
        return f"{INDEX_DIR}/{name}.js", script(name, data)

    for number, members in enumerate(groups.values()):
        yield file(f"t/{number}", dictionary_shard(members, postings))
    del postings
    for number, (names, lists) in enumerate(zip(packed.terms, packed.lists, strict=True)):
        yield file(f"p/{number}", {"t": " ".join(names), "p": lists})
    for number, start in enumerate(range(0, len(ordered), DOCS_PER_SHARD)):
        end = start + DOCS_PER_SHARD
        shard = zip(ordered[start:end], filters[start:end], strict=True)
        yield file(f"d/{number}", [doc_record(doc, pairs) for doc, pairs in shard])
    for number, chunk in enumerate(chunks(ordered, TEXTS_PER_SHARD)):
        snippets = [d.text[:SNIPPET_TEXT_CHARS] for d in chunk]
        if any(snippets):  # a shard of people only is never asked for
            yield file(f"x/{number}", snippets)
    meta = {"n": len(ordered), "b": DOCS_PER_SHARD, "x": TEXTS_PER_SHARD, "t": list(groups)}
    yield file("meta", meta | {"f": separators(packed)})


def separators(packed: PostingShards) -> list[str]:
    """For every posting shard after the first, the shortest start of its first term that
    sorts after the last term of the shard before: a term is in the last shard whose
    separator is not after it (:func:`~scholarsite.search.query.posting_shard_of`)."""
    return [shortest_separator(before[-1], names[0]) for before, names in pairwise(packed.terms)]


def shortest_separator(before: str, first: str) -> str:
    """The shortest prefix of ``first`` that sorts after ``before`` (``before < first``)."""
    for length in range(1, len(first)):
        if first[:length] > before:
            return first[:length]
    return first
