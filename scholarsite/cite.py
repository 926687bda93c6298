"""Citations: BibTeX and RIS entries with unique, stable keys and special characters escaped."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from scholarsite.model import Corpus, Paper
from scholarsite.naming import fold
from scholarsite.text import abstract_plain_text

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash: these keep a field's braces balanced
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_SPECIAL = re.compile("|".join(re.escape(ch) for ch in _BIBTEX_SPECIAL))
_STOP = {"a", "an", "the", "on", "of", "for", "and", "in", "to", "towards", "with"}


def bibtex_escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: no unbalanced braces, no active TeX characters."""
    return _SPECIAL.sub(lambda m: _BIBTEX_SPECIAL[m.group()], " ".join(text.split()))


_AND = re.compile(r"\sand\s", re.IGNORECASE)  # what BibTeX splits a list of names at


def bibtex_name(name: str) -> str:
    """``Last, First`` for an author list. A single-part name (an organisation), and a part that
    holds the word "and", are braced so that BibTeX keeps them whole."""
    last, comma, first = name.partition(", ")
    if not comma:
        return "{" + bibtex_escape(name) + "}"
    parts = [bibtex_escape(part) for part in (last, first)]
    return ", ".join("{" + p + "}" if _AND.search(f" {p} ") else p for p in parts)


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text).encode("ascii", "ignore").decode())


def citation_keys(corpus: Corpus) -> dict[str, str]:
    """``lu2024simplifying``-style keys; repeats get ``b``, ``c``… in id order: stable keys."""
    keys: dict[str, str] = {}
    seen: dict[str, int] = {}
    for paper in sorted(corpus.papers, key=lambda p: p.id):
        base = _key_base(paper, corpus) or "paper"
        count = seen.get(base, 0)
        seen[base] = count + 1
        keys[paper.id] = base if count == 0 else f"{base}{chr(ord('a') + count)}"
        if count >= 25:
            keys[paper.id] = f"{base}-{paper.id}"
    return keys


def _key_base(paper: Paper, corpus: Corpus) -> str:
    first = corpus.people_by_id[paper.authors[0]] if paper.authors else None
    return _key_of(first.citation_name if first else None, paper.year, paper.title)


@lru_cache(maxsize=1 << 17)  # a preview rebuild asks again for every paper
def _key_of(citation_name: str | None, year: int | None, title: str | None) -> str:
    surname = _ascii_word(citation_name.split(",")[0]) if citation_name else ""
    words = (_ascii_word(w) for w in (title or "").split())
    word = next((w for w in words if w and w not in _STOP), "")
    return f"{surname}{year or ''}{word}"


def author_names(paper: Paper, corpus: Corpus) -> list[str]:
    """``Last, First`` for every author entry that has a name (unnamed profiles are left out)."""
    names = []
    for pid in paper.authors:
        person = corpus.people_by_id[pid]
        if person.citation_name:
            names.append(person.citation_name)
    return names


def bibtex_entry(paper: Paper, corpus: Corpus, key: str, page_url: str | None = None) -> str:
    fields: list[tuple[str, str]] = []
    if paper.title:
        fields.append(("title", "{" + bibtex_escape(paper.title) + "}"))
    names = author_names(paper, corpus)
    if names:
        fields.append(("author", " and ".join(map(bibtex_name, names))))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.arxiv:
        fields += [
            ("eprint", paper.arxiv),
            ("archivePrefix", "arXiv"),
            ("url", f"https://arxiv.org/abs/{paper.arxiv}"),
        ]
    elif page_url:
        fields.append(("url", page_url))
    if not paper.authors_complete:
        fields.append(("note", "Author list incomplete"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def ris_value(text: str) -> str:
    """One RIS field value: a single line (RIS has no escapes, so line breaks are collapsed)."""
    return " ".join(text.split())


def ris_entry(paper: Paper, corpus: Corpus, page_url: str | None = None) -> str:
    """An RIS record (``TY`` … ``ER``) as Zotero, EndNote and rispy read it.

    Papers with an arXiv id are unpublished preprints (``UNPB``); others are generic (``GEN``).
    Untitled papers get no ``TI`` line rather than an invented title.
    """
    lines = [("TY", "UNPB" if paper.arxiv else "GEN")]
    if paper.title:
        lines.append(("TI", paper.title))
    lines += [("AU", name) for name in author_names(paper, corpus)]
    if paper.year:
        lines += [("PY", str(paper.year)), ("DA", f"{paper.year}///")]
    abstract = abstract_plain_text(paper.abstract)
    if abstract:
        lines.append(("AB", abstract))
    if paper.arxiv:
        lines += [
            ("UR", f"https://arxiv.org/abs/{paper.arxiv}"),
            ("AN", f"arXiv:{paper.arxiv}"),
            ("DB", "arXiv.org"),
        ]
    if page_url:
        lines.append(("UR", page_url))
    if not paper.authors_complete:
        lines.append(("N1", "Author list incomplete"))
    body = "".join(f"{tag}  - {ris_value(value)}\n" for tag, value in lines if ris_value(value))
    return body + "ER  - \n"


def ris_file(entries: Iterable[str]) -> str:
    return "\n".join(entries)
