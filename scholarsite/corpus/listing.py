"""Layout C: arXiv-listing entries whose identifier follows them.

Each entry is an abstract line and optional comments lines; its ``arXiv:`` id is glued to the start
of the next entry's abstract, and the last id stands alone on the last line.
"""

from __future__ import annotations

from collections.abc import Sequence

from scholarsite.corpus.arxiv import split_leading_id
from scholarsite.corpus.records import RawRecord, SourceLine
from scholarsite.corpus.shapes import looks_like_comment
from scholarsite.errors import Problem


def parse_listing(lines: Sequence[SourceLine], file: str) -> tuple[list[RawRecord], list[Problem]]:
    """Entries with their ids; a file whose ids stand before their entries is read that way."""
    if ids_lead(lines):
        records, problems = parse_ids_first(lines, file)
        message = (
            "the identifiers stand before their entries (the file starts with one and does not end "
            "with one): each is read as the id of the entry after it; check the arXiv links"
        )
        return records, [Problem(file, lines[0].number, message), *problems]
    return parse_ids_after(lines, file)


def ids_lead(lines: Sequence[SourceLine]) -> bool:
    """The first line opens with an id and the last line is not a bare id: ids come first."""
    if len(lines) < 2 or split_leading_id(lines[0].text) is None:
        return False
    last = split_leading_id(lines[-1].text)
    return last is None or bool(last[1])


def parse_ids_first(
    lines: Sequence[SourceLine], file: str
) -> tuple[list[RawRecord], list[Problem]]:
    records: list[RawRecord] = []
    problems: list[Problem] = []
    waiting: tuple[str, int] | None = None
    for line in lines:
        split = split_leading_id(line.text)
        if split is not None:
            if waiting is not None:
                problems.append(_orphan_id(file, waiting))
            arxiv, rest = split
            waiting = None if rest else (arxiv, line.number)
            if rest:
                record = RawRecord(file, line.number, abstract=rest, arxiv=arxiv)
                record.lines = (line.number,)
                records.append(record)
        elif waiting is None and records and looks_like_comment(line.text):
            records[-1].comments += (line.text.strip(),)
            records[-1].lines += (line.number,)
        else:
            records.append(_entry_after(waiting, line, file))
            if waiting is None:
                message = "entry has no arXiv identifier before it"
                problems.append(Problem(file, line.number, message))
            waiting = None
    if waiting is not None:
        problems.append(_orphan_id(file, waiting))
    return records, problems


def _entry_after(waiting: tuple[str, int] | None, line: SourceLine, file: str) -> RawRecord:
    """An entry whose id (if any) stood alone on the line before it."""
    arxiv, first = waiting if waiting is not None else (None, line.number)
    record = RawRecord(file, first, abstract=line.text.strip(), arxiv=arxiv)
    record.lines = tuple(sorted({first, line.number}))
    return record


def _orphan_id(file: str, waiting: tuple[str, int]) -> Problem:
    arxiv, line = waiting
    return Problem(file, line, f"identifier arXiv:{arxiv} has no entry after it; ignored")


def parse_ids_after(
    lines: Sequence[SourceLine], file: str
) -> tuple[list[RawRecord], list[Problem]]:
    records: list[RawRecord] = []
    problems: list[Problem] = []
    pending: RawRecord | None = None

    def close(arxiv: str | None, line: int) -> None:
        nonlocal pending
        if pending is None:
            return
        if arxiv is None:
            problems.append(Problem(file, pending.line, "entry has no arXiv identifier after it"))
        pending.arxiv = arxiv
        records.append(pending)
        pending = None

    for line in lines:
        split = split_leading_id(line.text)
        if split is not None:
            arxiv, rest = split
            if pending is None:
                problems.append(
                    Problem(
                        file, line.number, f"identifier arXiv:{arxiv} follows no entry; ignored"
                    ),
                )
            else:
                pending.lines += (line.number,)
                close(arxiv, line.number)
            if rest:
                pending = RawRecord(file, line.number, abstract=rest, lines=(line.number,))
        elif pending is not None and looks_like_comment(line.text):
            pending.comments += (line.text.strip(),)
            pending.lines += (line.number,)
        else:
            close(None, line.number)
            pending = RawRecord(file, line.number, abstract=line.text.strip(), lines=(line.number,))
    close(None, 0)
    return records, problems
