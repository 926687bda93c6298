"""What kind of line this is, judged from its shape alone: title, author list or abstract."""

from __future__ import annotations

import functools
import re

_SENTENCE_END = re.compile(r"[.!?][\"')\]]?(?:\s|$)")
_INITIAL = re.compile(r"\b\w{1,3}\.")


def _words(text: str) -> int:
    return len(text.split())


@functools.lru_cache(maxsize=64)  # a line is judged by several shapes in turn
def looks_like_author_list(line: str) -> bool:
    """Comma-separated short tokens: ``Lu, Cheng, Song, Yang`` (and ``OpenAI, null``)."""
    tokens = [t.strip() for t in line.split(",")]
    if len(tokens) < 2:
        return False
    short = sum(1 for t in tokens if _words(t) <= 4 and len(t) <= 40)
    if short / len(tokens) < 0.9:
        return False
    return not _SENTENCE_END.search(_INITIAL.sub("", line))


def looks_like_abstract(line: str) -> bool:
    """Prose: long, with sentences. A title is rarely over 25 words or ends in a full stop."""
    if looks_like_author_list(line):
        return False
    words = _words(line)
    sentences = len(_SENTENCE_END.findall(line))
    return words >= 25 or (words >= 12 and sentences >= 1 and line.rstrip().endswith("."))


def looks_like_comment(line: str) -> bool:
    """An arXiv comments line: ``NeurIPS 2021``, ``18pp``, ``15 pages, 1 figure``."""
    return _words(line) <= 30 and len(line) <= 240 and not looks_like_abstract(line)


def looks_like_person_name(line: str) -> bool:
    """A profile header: ``Lu, Cheng`` or a bare ``Tony``; short, no sentence."""
    return 0 < _words(line) <= 6 and len(line) <= 80 and line.count(",") <= 1
