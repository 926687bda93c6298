"""Layout B: an owner line, then one ``Abstract:`` line per paper."""

from __future__ import annotations

import re
from collections.abc import Sequence

from scholarsite.corpus.records import RawRecord, SourceLine
from scholarsite.errors import Problem

ABSTRACT_PREFIX = re.compile(r"abstract\s*:\s*", re.IGNORECASE)


def parse_abstracts(
    lines: Sequence[SourceLine], file: str
) -> tuple[list[RawRecord], list[Problem]]:
    """A line without the prefix continues the abstract above it (wrapped), with a warning."""
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for line in lines:
        prefix = ABSTRACT_PREFIX.match(line.text)
        if prefix:
            text = line.text[prefix.end() :].strip()
            records.append(RawRecord(file, line.number, abstract=text, lines=(line.number,)))
            if not text:
                problems.append(Problem(file, line.number, "empty abstract: entry cut short"))
        elif records:
            last = records[-1]
            last.abstract = f"{last.abstract} {line.text.strip()}".strip()
            last.lines += (line.number,)
            problems.append(
                Problem(
                    file,
                    line.number,
                    "line does not start with 'Abstract:'; joined to the abstract above it",
                )
            )
        else:
            records.append(RawRecord(file, line.number, abstract=line.text, lines=(line.number,)))
            problems.append(
                Problem(
                    file, line.number, "line does not start with 'Abstract:'; read as an abstract"
                )
            )
    return [r for r in records if r.abstract], problems
