"""What the parsers produce: raw records with their source positions, before any merging."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import NamedTuple

from scholarsite.errors import Problem


class Layout(Enum):
    TITLED = "titled"
    ABSTRACTS = "abstract-only"
    LISTING = "listing"
    EMPTY = "empty"


class _NameParts(NamedTuple):
    last: str | None
    first: str | None


class Name(_NameParts):
    """A personal or organisation name as a list gives it: ``Last, First``, either part missing.

    A tuple: one is made for every name on every author list, and a tuple is made fastest."""

    __slots__ = ()

    @property
    def display(self) -> str:
        """``First Last``."""
        if self.first and self.last:
            return f"{self.first} {self.last}"
        return self.first or self.last or ""

    @property
    def citation(self) -> str:
        """``Last, First`` as Highwire and BibTeX want it (a single-part name stays as is)."""
        if self.last and self.first:
            return f"{self.last}, {self.first}"
        return self.display


class SourceLine(NamedTuple):  # one per line of every dump: a tuple is made fastest
    number: int
    text: str


@dataclass
class RawRecord:
    """One paper as one dump lists it."""

    file: str
    line: int
    abstract: str | None = None
    title: str | None = None
    authors: tuple[Name, ...] | None = None
    arxiv: str | None = None
    comments: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()
    hidden: bool = False
    abstract_line: int | None = None  # where the abstract starts, when not on ``line``


@dataclass
class RawProfile:
    """One dump: its owner (if named), its layout and its records."""

    file: str
    layout: Layout
    owner: Name | None
    owner_line: int | None
    records: list[RawRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source_lines: tuple[SourceLine, ...] = ()

    def copy(self) -> RawProfile:
        """A copy whose owner, records and problems can be changed without touching this one
        (curation updates records in place; a cached parse must stay as parsed)."""
        return replace(
            self, records=[replace(r) for r in self.records], problems=list(self.problems)
        )

    def accounted_lines(self) -> set[int]:
        """Source lines that ended in the header, a record or a warning."""
        seen = {p.line for p in self.problems}
        if self.owner_line:
            seen.add(self.owner_line)
        for record in self.records:
            seen.update(record.lines)
        return seen
