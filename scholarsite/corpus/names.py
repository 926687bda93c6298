"""Author lists: ``Last, First`` token pairs with ``null`` for a missing part."""

from __future__ import annotations

from dataclasses import dataclass

from scholarsite.corpus.records import Name


@dataclass(frozen=True)
class AuthorList:
    names: tuple[Name, ...]
    notes: tuple[str, ...]  # what was dropped or guessed, for a warning


def _part(token: str) -> str | None:
    token = token.strip()
    return None if token in ("", "null") else token


def parse_name(text: str) -> Name:
    """One ``Last, First`` name (curation and headers); a name without a comma is one part."""
    last, sep, first = text.partition(",")
    if not sep:
        return Name(_part(text), None)
    return Name(_part(last), _part(first))


def has_letters(text: str | None) -> bool:
    return text is not None and any(map(str.isalpha, text))


def parse_author_list(line: str) -> AuthorList:
    """Pair the flat token list; drop letterless pairs and exact repeats, each with a note."""
    tokens = [t.strip() for t in line.split(",")]
    notes: list[str] = []
    if len(tokens) > 1 and not tokens[-1]:
        tokens.pop()
        notes.append("the author list ends with a comma; ignored it")
    if len(tokens) % 2:
        notes.append(
            f"the author list has an odd number of tokens ({len(tokens)}); "
            f"the last token {tokens[-1]!r} is kept as a single-part name"
        )
        tokens.append("null")
    names: list[Name] = []
    seen: set[Name] = set()
    for last, first in zip(tokens[::2], tokens[1::2], strict=True):
        name = Name(_part(last), _part(first))
        if not (has_letters(name.last) or has_letters(name.first)):
            notes.append(f"dropped the author pair {last + ', ' + first!r}: it has no letters")
        elif name in seen:
            notes.append(f"{name.citation!r} is listed twice; kept once")
        else:
            seen.add(name)
            names.append(name)
    return AuthorList(tuple(names), tuple(notes))
