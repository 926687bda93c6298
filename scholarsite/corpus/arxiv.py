"""arXiv identifiers: recognising them, dropping versions, and the year they encode."""

from __future__ import annotations

import re

_NEW_STYLE = r"(?:0[7-9]|1[0-4])(?:0[1-9]|1[0-2])\.\d{4}|(?:1[5-9]|[2-9]\d)(?:0[1-9]|1[0-2])\.\d{5}"
_OLD_STYLE = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?P<id>{_NEW_STYLE}|{_OLD_STYLE})(?P<version>v\d+)?")
LEADING_ID = re.compile(rf"arXiv:\s*(?:{ARXIV_ID.pattern})", re.IGNORECASE)


def split_leading_id(line: str) -> tuple[str, str] | None:
    """``arXiv:2410.21276We …`` → (``2410.21276``, ``We …``); None without a leading id."""
    match = LEADING_ID.match(line)
    if match is None:
        return None
    return match.group("id"), line[match.end() :].strip()


def normalize_id(text: str) -> str | None:
    """A bare identifier without its version, or None when ``text`` is not one."""
    text = text.strip()
    if text.lower().startswith("arxiv:"):
        text = text[6:].strip()
    match = ARXIV_ID.fullmatch(text)
    return match.group("id") if match else None


def year_of(arxiv_id: str) -> int:
    """The year an identifier encodes: ``2410.21276`` → 2024, ``hep-th/9901001`` → 1999."""
    digits = arxiv_id.rsplit("/", 1)[-1]
    yy = int(digits[:2])
    if "/" in arxiv_id:
        return 1900 + yy if yy >= 91 else 2000 + yy
    return 2000 + yy


def month_and_number(arxiv_id: str) -> tuple[int, int]:
    """Where an identifier stands within its year: its month, then its number in the month
    (``2410.21276`` → (10, 21276), ``hep-th/9901001`` → (1, 1)); a later paper is higher."""
    digits = arxiv_id.rsplit("/", 1)[-1].replace(".", "")
    return int(digits[2:4]), int(digits[4:])
