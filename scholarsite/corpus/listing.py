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
    records: list[RawRecord] = []
    problems: list[Problem] = []
    pending: RawRecord | None = None

    def close(arxiv: str | None, line: int) -> None:
        nonlocal pending
        if pending is None:
            return
        if arxiv is None:
            problems.append(
                Problem(file, pending.line, "entry has no arXiv identifier after it")
            )
        pending.arxiv = arxiv
        records.append(pending)
        pending = None

    for line in lines:
        split = split_leading_id(line.text)
        if split is not None:
            arxiv, rest = split
            if pending is None:
                problems.append(
                    Problem(file, line.number, f"identifier arXiv:{arxiv} follows no entry; ignored")
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
