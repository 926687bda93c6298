"""Terms as numbers: the index's vocabulary, and lists of terms as arrays of term ids.

The per-posting work of the index (weights, inversion, word-pair filters) runs over these
arrays with numpy, a pass per step instead of a Python loop per posting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Vocabulary:
    """Every term of some lists, numbered in order of first occurrence."""

    terms: list[str]
    ids: dict[str, int]

    @classmethod
    def of(cls, lists: Iterable[Sequence[str]]) -> Vocabulary:
        terms = list(dict.fromkeys(chain.from_iterable(lists)))
        return cls(terms, {term: number for number, term in enumerate(terms)})

    def runs(self, lists: Sequence[Sequence[str]]) -> Runs:
        """``lists`` (of terms in this vocabulary) as term ids."""
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        found = map(self.ids.__getitem__, chain.from_iterable(lists))
        return Runs(np.fromiter(found, dtype=np.int64, count=int(lengths.sum())), lengths)
