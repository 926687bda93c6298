"""Client-side search: the index the build writes and the browser client in ``static/`` reads.

The build hands every paper and person to :func:`search_index_files` as a :class:`SearchDoc`
and writes the files it gives under the output directory. The files are plain ``<script>``
files that register themselves with ``static/search.js``, so search works from ``file://``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from scholarsite.gcpause import collector_paused


@dataclass(frozen=True)
class SearchDoc:
    """One searchable page: a paper or a person."""

    kind: Literal["paper", "person"]
    url: str
    title: str
    authors: tuple[str, ...]
    text: str
    arxiv: str | None
    year: int | None
    variants: tuple[str, ...]
    detail: str


def search_index_files(docs: Sequence[SearchDoc]) -> Iterator[tuple[str, bytes]]:
    """Every index file, as (output path relative to the site root, bytes), made one at a time
    so that the caller can write each before the next is made.

    Paths look like ``search/idx/meta.js``; the same documents always give the same files."""
    from scholarsite.search.shards import index_files

    # Millions of small objects, no reference cycles; the collector stays off until the last
    # file is taken, the caller's writing in between included.
    with collector_paused():
        yield from index_files(docs)


def build_search_index(docs: Sequence[SearchDoc]) -> dict[str, bytes]:
    """Every index file, keyed by its output path, in path order."""
    return dict(sorted(search_index_files(docs)))


__all__ = ["SearchDoc", "build_search_index", "search_index_files"]
