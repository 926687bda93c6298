"""Layout A: an owner line, then title / author list / abstract triples.

The parser follows the triple, but judges each line by its shape, so one missing line (an author
list left out in the middle of the dump) costs one warning, not every later paper.
"""

from __future__ import annotations

from collections.abc import Sequence

from scholarsite.corpus.names import parse_author_list
from scholarsite.corpus.records import RawRecord, SourceLine
from scholarsite.corpus.shapes import looks_like_abstract, looks_like_author_list
from scholarsite.errors import Problem

_SENTENCE_CLOSERS = frozenset(".!?)]}$\"'\u201d\u2019")


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.records: list[RawRecord] = []
        self.problems: list[Problem] = []
        self.current: RawRecord | None = None

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def start(self, line: int) -> RawRecord:
        self.finish()
        self.current = RawRecord(self.file, line)
        return self.current

    def finish(self) -> None:
        record = self.current
        if record is None:
            return
        if record.abstract is None:
            self.warn(record.line, "entry cut short: it has no abstract line")
        self.records.append(record)
        self.current = None

    def take_title(self, line: SourceLine) -> None:
        record = self.start(line.number)
        record.title = line.text
        record.lines += (line.number,)

    def take_authors(self, line: SourceLine) -> None:
        record = self.current or self.start(line.number)
        parsed = parse_author_list(line.text)
        for note in parsed.notes:
            self.warn(line.number, note)
        record.authors = parsed.names
        record.lines += (line.number,)

    def continue_abstract(self, line: SourceLine) -> None:
        record = self.records[-1]
        record.abstract = f"{record.abstract} {line.text.strip()}"
        record.lines += (line.number,)

    def take_abstract(self, line: SourceLine) -> None:
        record = self.current or self.start(line.number)
        record.abstract = line.text
        record.abstract_line = line.number
        record.lines += (line.number,)
        self.finish()


def parse_titled(lines: Sequence[SourceLine], file: str) -> tuple[list[RawRecord], list[Problem]]:
    """Parse the lines after the owner line."""
    build = _Builder(file)
    for index, line in enumerate(lines):
        following = lines[index + 1].text if index + 1 < len(lines) else None
        _take(build, line, following)
    build.finish()
    return build.records, build.problems


def _take(build: _Builder, line: SourceLine, following: str | None) -> None:
    """Place one line in the triple, judging it by its shape and by the line after it: a line
    followed by an author list is a title, whatever it looks like."""
    record = build.current
    is_authors = looks_like_author_list(line.text)
    is_abstract = looks_like_abstract(line.text)
    starts_triple = following is not None and looks_like_author_list(following)
    if record is None:
        _take_outside(
            build, line, is_authors=is_authors, is_abstract=is_abstract, starts_triple=starts_triple
        )
    elif record.authors is None and not is_abstract:
        if is_authors:
            build.take_authors(line)
        else:
            build.take_title(line)
    elif record.authors is not None and is_authors:
        build.warn(
            line.number,
            "a second author list: the entry above has no abstract; this starts an untitled paper",
        )
        build.start(line.number)
        build.take_authors(line)
    elif not is_abstract and starts_triple:
        build.take_title(line)
    else:
        if record.authors is None:
            build.warn(line.number, "no author list before this abstract: the paper has no authors")
        build.take_abstract(line)


def _take_outside(
    build: _Builder, line: SourceLine, *, is_authors: bool, is_abstract: bool, starts_triple: bool
) -> None:
    """A line after a complete entry: normally the next title."""
    if starts_triple or not (is_authors or is_abstract):
        build.take_title(line)
    elif is_authors:
        build.warn(line.number, "expected a title line, found an author list: paper kept untitled")
        build.start(line.number)
        build.take_authors(line)
    elif _continues(build):
        build.warn(
            line.number,
            "the abstract above stops mid-sentence: this line is joined to it as its continuation",
        )
        build.continue_abstract(line)
    else:
        build.warn(line.number, "expected a title line, found an abstract: paper kept untitled")
        build.take_abstract(line)


def _continues(build: _Builder) -> bool:
    """The last abstract stops mid-sentence, so the next prose line is the rest of it."""
    if not build.records:
        return False
    abstract = (build.records[-1].abstract or "").rstrip()
    return bool(abstract) and abstract[-1] not in _SENTENCE_CLOSERS
