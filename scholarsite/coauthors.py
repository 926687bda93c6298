"""Co-authors of a person, computed without visiting each one when a paper's list is long.

:meth:`scholarsite.model.Corpus.coauthors` defines the list: everyone who shares a complete
author list with the person, with how many they share, most shared first, ties in the order
they were first met. At scale a few papers have hundreds of authors, and each of those authors'
pages lists all the others: visiting every pair costs time quadratic in the list's length.
Here no long list is walked in Python: those who share only that paper with the person are a
*run* of its author list with a few positions left out (the person, and whoever shares another
paper too), which a page renders as slices of that paper's list rendered once; the other lists
are counted in C, and the longest is only looked up in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scholarsite.model import Corpus, Paper, Person

RUN_MIN = 32  # a shorter list is walked: its co-authors are listed one by one


@dataclass(frozen=True)
class Run:
    """The authors of ``paper`` (each listed once, in order) but those at ``holes``."""

    paper: str
    holes: tuple[int, ...]
    size: int  # how many authors the run lists

    def positions(self) -> list[tuple[int, int]]:
        """The run as ``[start, end)`` ranges of positions in the paper's author list."""
        ranges = []
        start = 0
        for hole in self.holes:
            if hole > start:
                ranges.append((start, hole))
            start = hole + 1
        end = self.size + len(self.holes)
        if end > start:
            ranges.append((start, end))
        return ranges


Piece = tuple[str, ...] | Run


@dataclass(frozen=True)
class Coauthors:
    """A person's co-authors: those sharing several papers, with counts, most shared first;
    then those sharing one, as pieces (names, or runs of a long author list) in order met."""

    shared: tuple[tuple[str, int], ...]
    once: tuple[Piece, ...]
    count: int


@dataclass(frozen=True)
class _List:
    """A paper's authors, each listed once, in order, and the position of each."""

    paper: str
    authors: tuple[str, ...]
    position: dict[str, int] = field(repr=False)

    @property
    def long(self) -> bool:
        return len(self.authors) >= RUN_MIN


class CoauthorIndex:
    """Co-authors of the people of one corpus; what it learns of long lists it keeps."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._long: dict[str, _List] = {}

    def authors_once(self, paper_id: str) -> tuple[str, ...]:
        """A paper's authors, each listed once, in order (the list runs point into)."""
        return self._list(self.corpus.papers_by_id[paper_id]).authors

    def _list(self, paper: Paper) -> _List:
        found = self._long.get(paper.id)
        if found is None:
            authors = tuple(dict.fromkeys(paper.authors))
            found = _List(paper.id, authors, dict(zip(authors, range(len(authors)), strict=True)))
            if found.long:
                self._long[paper.id] = found
        return found

    def of(self, person: Person) -> Coauthors:
        """Every list but the longest is counted (in C); the longest is only looked up in; the
        long lists are never walked in Python."""
        me = person.id
        lists = [
            self._list(paper)
            for paper in map(self.corpus.papers_by_id.__getitem__, person.papers)
            if paper.authors_complete and me in paper.authors
        ]
        if not lists:
            return Coauthors((), (), 0)
        longest = max(range(len(lists)), key=lambda i: len(lists[i].authors))
        counts: Counter[str] = Counter()
        for i, listed in enumerate(lists):
            if i != longest:
                counts.update(listed.authors)
        in_longest = counts.keys() & lists[longest].position.keys()
        for author in in_longest:
            counts[author] += 1
        total = len(lists[longest].authors) + len(counts) - len(in_longest) - 1
        several = [a for a, c in counts.items() if c > 1 and a != me]
        several.sort(key=lambda a: (-counts[a], _first_met(a, lists)))
        return Coauthors(
            tuple((a, counts[a]) for a in several), _once(lists, {*several, me}), total
        )


def _first_met(author: str, lists: list[_List]) -> tuple[int, int]:
    """Where ``author`` is first met: (paper, position in its list)."""
    for i, listed in enumerate(lists):
        if author in listed.position:
            return i, listed.position[author]
    raise ValueError(f"{author!r} is on none of the lists")


def _once(lists: list[_List], left_out: set[str]) -> tuple[Piece, ...]:
    """Who shares one paper, paper by paper: a run of each long list, short lists walked."""
    pieces: list[Piece] = []
    for listed in lists:
        if listed.long:
            holes = sorted(map(listed.position.__getitem__, left_out & listed.position.keys()))
            size = len(listed.authors) - len(holes)
            if size:
                pieces.append(Run(listed.paper, tuple(holes), size))
        else:
            alone = tuple(a for a in listed.authors if a not in left_out)
            if alone:
                pieces.append(alone)
    return tuple(pieces)


def expand(coauthors: Coauthors, index: CoauthorIndex) -> tuple[tuple[str, int], ...]:
    """The co-author list one by one, as :meth:`~scholarsite.model.Corpus.coauthors` gives it."""
    listed = list(coauthors.shared)
    for piece in coauthors.once:
        if isinstance(piece, Run):
            authors = index.authors_once(piece.paper)
            listed += [(a, 1) for start, end in piece.positions() for a in authors[start:end]]
        else:
            listed += [(a, 1) for a in piece]
    return tuple(listed)


__all__ = ["RUN_MIN", "CoauthorIndex", "Coauthors", "Run", "expand"]
