"""Terms as numbers: the index's vocabulary, and lists of terms as arrays of term ids.

The per-posting work of the index (weights, inversion, word-pair filters) runs over these
arrays with numpy, a pass per step instead of a Python loop per posting.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.integer[Any]]


@dataclass(frozen=True)
class Runs:
    """Lists of terms, one per document, as one array of term ids and each list's length."""

    ids: Ints
    lengths: Ints

    @property
    def docs(self) -> Ints:
        """The document of each id."""
        return np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)

    @cached_property
    def starts(self) -> Ints:
        """Where each document's ids start, and where the last one's end."""
        return np.concatenate(([0], np.cumsum(self.lengths)))

    def between(self, start: int, end: int) -> Runs:
        """The lists of documents ``start`` to ``end`` (excluded)."""
        return Runs(self.ids[self.starts[start] : self.starts[end]], self.lengths[start:end])


@dataclass
class RunsBuilder:
    """Runs made one document at a time, as compact arrays (4 bytes an id, not a reference to a
    string in a list of its own)."""

    ids: array[int] = field(default_factory=lambda: array("i"))
    lengths: array[int] = field(default_factory=lambda: array("i"))

    def add(self, ids: Iterator[int], count: int) -> None:
        self.ids.extend(ids)
        self.lengths.append(count)

    def runs(self) -> Runs:
        return Runs(np.frombuffer(self.ids, np.intc), np.frombuffer(self.lengths, np.intc))


@dataclass(frozen=True)
class Vocabulary:
    """Every term of some lists, numbered in order of first occurrence."""

    terms: list[str]
    ids: dict[str, int]

    @classmethod
    def of(cls, lists: Iterable[Sequence[str]]) -> Vocabulary:
        terms = list(dict.fromkeys(chain.from_iterable(lists)))
        return cls(terms, {term: number for number, term in enumerate(terms)})

    def number(self, terms: Sequence[str]) -> Iterator[int]:
        """The ids of ``terms``, numbering those not seen before in order of first occurrence
        (as :meth:`of` would, given these terms after those numbered already)."""
        ids = self.ids
        for term in dict.fromkeys(terms):
            if term not in ids:
                ids[term] = len(self.terms)
                self.terms.append(term)
        return map(ids.__getitem__, terms)

    def runs(self, lists: Sequence[Sequence[str]]) -> Runs:
        """``lists`` (of terms in this vocabulary) as term ids."""
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        found = map(self.ids.__getitem__, chain.from_iterable(lists))
        return Runs(np.fromiter(found, dtype=np.int64, count=int(lengths.sum())), lengths)
