"""Bytes of a dump → numbered lines of text, reporting every repair it makes."""

from __future__ import annotations

import re

from scholarsite.corpus.records import SourceLine
from scholarsite.errors import Problem

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Characters no source text may carry: C0 controls but tab and line ends, DEL, C1 controls,
# and the text-direction embeddings, overrides and isolates, which reorder whatever follows
# them in a line of a page (an author list, a title), not just their own text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


_MAGIC = (
    b"%PDF-", b"PK\x03\x04", b"\x1f\x8b", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x7fELF", b"BZh",
)  # fmt: skip
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def looks_binary(data: bytes) -> bool:
    """A known binary format, or a first 8 KiB that is over 10% control bytes, or that holds a NUL
    and is mostly not ASCII: not a text dump. (UTF-16 text with its byte-order mark is text.)"""
    head = data[:8192]
    if not head or head.startswith(_UTF16_BOMS):
        return False
    if head.startswith(_MAGIC):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    high = sum(1 for b in head if b >= 0x80)
    return controls / len(head) > 0.10 or (b"\x00" in head and high / len(head) > 0.25)


def decode_dump(data: bytes, file: str) -> tuple[list[SourceLine], list[Problem]]:
    """Decode UTF-8 (with or without a BOM) or UTF-16 with a BOM; a line that is not UTF-8 is read
    as Latin-1 (Windows-1252), with a warning."""
    problems: list[Problem] = []
    if data.startswith(_UTF16_BOMS):
        data = _from_utf16(data, file, problems)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text, utf8 = data.decode("utf-8"), True
    except UnicodeDecodeError:
        text, utf8 = data.decode("latin-1"), False  # each line is decoded on its own
    if "\r" in text:
        problems += _mixed_line_ends(text, file)
        raw_lines = _LINE_BREAK.split(text)
    else:
        raw_lines = text.split("\n")
    if utf8 and not CONTROL.search(text):  # the usual case: nothing to repair
        lines = [SourceLine(n, line.rstrip()) for n, line in enumerate(raw_lines, start=1)]
    else:
        lines = _repaired_lines(raw_lines, utf8, file, problems)
    if lines and not lines[-1].text:
        lines.pop()
    return lines, problems


def _repaired_lines(
    raw_lines: list[str], utf8: bool, file: str, problems: list[Problem]
) -> list[SourceLine]:
    """Lines with control characters removed; read as Latin-1 (not ``utf8``), each line is
    decoded as UTF-8 where it can be."""
    lines: list[SourceLine] = []
    for number, raw in enumerate(raw_lines, start=1):
        text = raw if utf8 else _decode_line(raw.encode("latin-1"), file, number, problems)
        if CONTROL.search(text):
            problems.append(
                Problem(
                    file,
                    number,
                    "removed control characters (NUL, text-direction overrides or similar) "
                    "from the line",
                )
            )
            text = CONTROL.sub("", text)
        lines.append(SourceLine(number, text.rstrip()))
    return lines


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


def _from_utf16(data: bytes, file: str, problems: list[Problem]) -> bytes:
    """UTF-16 with a byte-order mark, re-encoded as UTF-8 (undecodable units become U+FFFD)."""
    message = "the file is UTF-16, not UTF-8: read it as UTF-16; re-save it as UTF-8"
    problems.append(Problem(file, 1, message))
    return data.decode("utf-16", errors="replace").encode("utf-8", errors="replace")


def _mixed_line_ends(text: str, file: str) -> list[Problem]:
    """One warning where a file first switches between CRLF, LF and CR line ends."""
    first: str | None = None
    for number, match in enumerate(_LINE_BREAK.finditer(text), start=1):
        if first is None:
            first = match.group()
        elif match.group() != first:
            shown = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}
            return [
                Problem(
                    file,
                    number,
                    f"mixed line ends: this line ends with {shown[match.group()]}, earlier "
                    f"ones with {shown[first]}; each is read as a line break",
                )
            ]
    return []
