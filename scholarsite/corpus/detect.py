"""Which of the three layouts a dump is in, judged from its lines (no flag needed)."""

from __future__ import annotations

from collections.abc import Sequence

from scholarsite.corpus.abstracts import ABSTRACT_PREFIX
from scholarsite.corpus.arxiv import split_leading_id
from scholarsite.corpus.records import Layout, SourceLine


def detect_layout(lines: Sequence[SourceLine]) -> Layout:
    """Most ``arXiv:``-led lines → listing; most ``Abstract:`` lines → abstract-only; else
    titled."""
    if not lines:
        return Layout.EMPTY
    listing = sum(1 for line in lines if split_leading_id(line.text))
    abstracts = sum(1 for line in lines if ABSTRACT_PREFIX.match(line.text))
    if listing and listing >= abstracts:
        return Layout.LISTING
    if abstracts:
        return Layout.ABSTRACTS
    return Layout.TITLED
