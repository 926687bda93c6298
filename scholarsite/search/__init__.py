"""Client-side search: the index the build writes and the browser client in ``static/`` reads.

The build hands every paper and person to :func:`build_search_index` as a :class:`SearchDoc`
and writes the returned files under the output directory. The files are plain ``<script>``
files that register themselves with ``static/search.js``, so search works from ``file://``.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def build_search_index(docs: Sequence[SearchDoc]) -> dict[str, bytes]:
    """Every index file, keyed by its output path relative to the site root.

    Paths look like ``search/idx/meta.js``; the same documents always give the same bytes.
    """
    from scholarsite.search.shards import write_index

    with collector_paused():  # millions of small objects, no reference cycles
        return write_index(docs)


__all__ = ["SearchDoc", "build_search_index"]
