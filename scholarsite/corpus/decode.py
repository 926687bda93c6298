"""Bytes of a dump → numbered lines of text, reporting every repair it makes."""

from __future__ import annotations

import re

from scholarsite.corpus.records import SourceLine
from scholarsite.errors import Problem

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def looks_binary(data: bytes) -> bool:
    """A file whose first 8 KiB is more than 10% NUL or control bytes is not a text dump."""
    head = data[:8192]
    if not head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.10


def decode_dump(data: bytes, file: str) -> tuple[list[SourceLine], list[Problem]]:
    """Decode UTF-8 (with or without a BOM); bytes that are not UTF-8 are kept as Latin-1, with a warning."""
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    raw_lines = _LINE_BREAK.split(data.decode("latin-1"))
    lines: list[SourceLine] = []
    for number, latin in enumerate(raw_lines, start=1):
        text = _decode_line(latin.encode("latin-1"), file, number, problems)
        if _CONTROL.search(text):
            problems.append(
                Problem(file, number, "removed control characters (NUL or similar) from the line")
            )
            text = _CONTROL.sub("", text)
        lines.append(SourceLine(number, text.rstrip()))
    if lines and not lines[-1].text:
        lines.pop()
    return lines, problems


def _decode_line(raw: bytes, file: str, number: int, problems: list[Problem]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(
            Problem(
                file,
                number,
                f"bytes that are not UTF-8 (first at column {error.start + 1}) were read as "
                "Latin-1; re-save the file as UTF-8 if that is wrong",
            )
        )
        return raw.decode("cp1252", errors="replace")
