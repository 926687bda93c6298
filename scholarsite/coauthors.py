"""Co-authors of a person, computed without visiting each one when a paper's list is long.

:meth:`scholarsite.model.Corpus.coauthors` defines the list: everyone who shares a complete
author list with the person, with how many they share, most shared first, ties in the order
they were first met. At scale a few papers have hundreds of authors, and each of those authors'
pages lists all the others: visiting every pair costs time quadratic in the list's length.
Here the longest list of a person's papers is never walked: those who share only that paper
are a *run* of its author list with a few positions left out (the person, and whoever also
shares another paper), which a page renders as slices of that paper's list rendered once.
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


@dataclass
class _LongList:
    authors: tuple[str, ...]  # each listed once, in order
    position: dict[str, int] = field(repr=False)


class CoauthorIndex:
    """Co-authors of the people of one corpus; what it learns of long lists it keeps."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._long: dict[str, _LongList] = {}

    def authors_once(self, paper_id: str) -> tuple[str, ...]:
        """A long paper's authors, each listed once, in order (the list runs point into)."""
        return self._long_list(self.corpus.papers_by_id[paper_id]).authors

    def _long_list(self, paper: Paper) -> _LongList:
        found = self._long.get(paper.id)
        if found is None:
            authors = tuple(dict.fromkeys(paper.authors))
            found = self._long[paper.id] = _LongList(authors, {a: i for i, a in enumerate(authors)})
        return found

    def of(self, person: Person) -> Coauthors:
        by_id = self.corpus.papers_by_id
        papers = [
            paper
            for paper in map(by_id.__getitem__, person.papers)
            if paper.authors_complete and person.id in paper.authors
        ]
        if not papers:
            return Coauthors((), (), 0)
        longest = max(range(len(papers)), key=lambda i: len(papers[i].authors))
        if len(papers[longest].authors) < RUN_MIN:
            return _walked(person.id, [tuple(dict.fromkeys(p.authors)) for p in papers])
        return self._with_run(person.id, papers, longest)

    def _with_run(self, me: str, papers: list[Paper], longest: int) -> Coauthors:
        """Every list but the longest is walked; the longest is only looked up in."""
        long = self._long_list(papers[longest])
        lists = [
            () if i == longest else tuple(dict.fromkeys(p.authors)) for i, p in enumerate(papers)
        ]
        counts: Counter[str] = Counter()
        first_met: dict[str, tuple[int, int]] = {}
        for i, authors in enumerate(lists):
            counts.update(authors)
            for j, author in enumerate(authors):
                first_met.setdefault(author, (i, j))
        in_long = long.position
        for author in counts:
            if author in in_long:
                counts[author] += 1
                first_met[author] = min(first_met[author], (longest, in_long[author]))
        counts.pop(me, None)
        shared = sorted(
            ((a, c) for a, c in counts.items() if c > 1), key=lambda ac: (-ac[1], first_met[ac[0]])
        )
        several = {a for a, _ in shared}
        holes = sorted(in_long[a] for a in (*several, me) if a in in_long)
        once: list[Piece] = []
        for i, authors in enumerate(lists):
            if i == longest:
                size = len(long.authors) - len(holes)
                if size:
                    once.append(Run(papers[longest].id, tuple(holes), size))
            else:
                alone = tuple(a for a in authors if a != me and a not in several)
                if alone:
                    once.append(alone)
        total = len(long.authors) + sum(1 for a in counts if a not in in_long) - 1
        return Coauthors(tuple(shared), tuple(once), total)


def _walked(me: str, lists: list[tuple[str, ...]]) -> Coauthors:
    """Co-authors from short lists, visiting each."""
    counts: Counter[str] = Counter()
    for authors in lists:
        counts.update(authors)
    counts.pop(me, None)
    shared = tuple(sorted(((a, c) for a, c in counts.items() if c > 1), key=lambda ac: -ac[1]))
    once = tuple(a for a, c in counts.items() if c == 1)
    return Coauthors(shared, (once,) if once else (), len(counts))


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
