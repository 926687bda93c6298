"""Split the index into small script files that a query loads only a few of.

Layout under ``search/idx/`` (every file calls ``scholarsiteSearchIndex(name, data)``):

- ``meta.js``: document count, documents per shard, the term-dictionary prefixes, the
  first term of each posting shard.
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
from collections.abc import Sequence
from dataclasses import dataclass

from scholarsite.search import SearchDoc
from scholarsite.search.encode import encode_postings, encode_varints, quantize_weight
from scholarsite.search.pairs import pair_filter
from scholarsite.search.rank import all_doc_weights

INDEX_DIR = "search/idx"
REGISTER = "scholarsiteSearchIndex"
DOCS_PER_SHARD = 32
TEXTS_PER_SHARD = 64
POSTING_SHARD_CHARS = 6000
DICT_SHARD_CHARS = 12000
SNIPPET_TEXT_CHARS = 1500

Postings = dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class PostingShards:
    terms: list[list[str]]
    lists: list[list[str]]
    shard_of: dict[str, int]


def sort_docs(docs: Sequence[SearchDoc]) -> list[SearchDoc]:
    """Documents in a fixed order (by URL), so the same corpus always gives the same ids."""
    return sorted(docs, key=lambda d: (d.url, d.kind, d.title))


def collect_postings(docs: Sequence[SearchDoc]) -> Postings:
    postings: Postings = defaultdict(list)
    for doc_id, weights in enumerate(all_doc_weights(docs)):
        for term, (weight, named) in sorted(weights.items()):
            postings[term].append((doc_id, quantize_weight(weight, named)))
    return dict(postings)


def pack_postings(postings: Postings) -> PostingShards:
    """Posting lists in term order, cut into shards of about ``POSTING_SHARD_CHARS``."""
    terms: list[list[str]] = [[]]
    lists: list[list[str]] = [[]]
    size = 0
    shard_of: dict[str, int] = {}
    for term in sorted(postings):
        encoded = encode_postings(postings[term])
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
    return {"t": " ".join(terms), "f": encode_varints([len(postings[t]) for t in terms])}


def doc_record(doc: SearchDoc) -> list[str]:
    kind = "p" if doc.kind == "paper" else "a"
    return [kind, doc.url, doc.title, doc.detail, pair_filter(doc.text)]


def script(name: str, data: object) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f'{REGISTER}("{name}",{payload});\n'.encode()


def chunks(items: Sequence[SearchDoc], size: int) -> list[Sequence[SearchDoc]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def write_index(docs: Sequence[SearchDoc]) -> dict[str, bytes]:
    """Every index file, keyed by its path relative to the site root."""
    ordered = sort_docs(docs)
    postings = collect_postings(ordered)
    packed = pack_postings(postings)
    groups = group_by_prefix(sorted(postings))
    files: dict[str, bytes] = {}

    def add(name: str, data: object) -> None:
        files[f"{INDEX_DIR}/{name}.js"] = script(name, data)

    for number, members in enumerate(groups.values()):
        add(f"t/{number}", dictionary_shard(members, postings))
    for number, (names, lists) in enumerate(zip(packed.terms, packed.lists, strict=True)):
        add(f"p/{number}", {"t": " ".join(names), "p": lists})
    for number, chunk in enumerate(chunks(ordered, DOCS_PER_SHARD)):
        add(f"d/{number}", [doc_record(d) for d in chunk])
    for number, chunk in enumerate(chunks(ordered, TEXTS_PER_SHARD)):
        texts = [d.text[:SNIPPET_TEXT_CHARS] for d in chunk]
        if any(texts):  # a shard of people only is never asked for
            add(f"x/{number}", texts)
    meta = {"n": len(ordered), "b": DOCS_PER_SHARD, "x": TEXTS_PER_SHARD, "t": list(groups)}
    add("meta", meta | {"f": first_terms(packed)})
    return dict(sorted(files.items()))


def first_terms(packed: PostingShards) -> list[str]:
    """The first term of every posting shard after the first: a term is in the last shard
    whose first term is not after it."""
    return [names[0] for names in packed.terms[1:]]
