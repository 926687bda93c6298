"""Name keys (which spellings are one person) and URL slugs (stable ASCII ids)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Letters that Unicode does not decompose into a base letter and a mark.
_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
     "þ": "th", "Þ": "Th", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
     "ı": "i", "ħ": "h", "Ħ": "H"}
)  # fmt: skip
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
MAX_SLUG = 72


def fold(text: str) -> str:
    """Diacritics off, case folded: ``Mądry`` → ``madry``, ``Łukasz`` → ``lukasz``."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold()


@functools.lru_cache(maxsize=1 << 20)  # names repeat on every paper of their person
def name_key(display_name: str) -> str:
    """One key per person however the name is spelled in case, accents, spacing or punctuation."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(display_name)).split())


def slugify(text: str, fallback: str = "item") -> str:
    """ASCII, lowercase, hyphenated, at most MAX_SLUG characters cut at a word boundary."""
    slug = _NON_ALNUM.sub("-", fold(text).encode("ascii", "ignore").decode()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug or fallback


def assign_unique(slugs: Iterable[str]) -> list[str]:
    """Suffix repeats in order: ``tony``, ``tony-2``, ``tony-3``; never reuses a wanted slug."""
    wanted = list(slugs)
    taken = set(wanted)
    counts: dict[str, int] = {}
    result = []
    used: set[str] = set()
    for slug in wanted:
        if slug not in used:
            used.add(slug)
            result.append(slug)
            continue
        n = counts.get(slug, 1)
        while True:
            n += 1
            candidate = f"{slug}-{n}"
            if candidate not in taken and candidate not in used:
                break
        counts[slug] = n
        used.add(candidate)
        result.append(candidate)
    return result


def abstract_key(text: str) -> str:
    """Abstracts are the same work when equal after NFKC, case folding and whitespace collapsing."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefold is lower
        return " ".join(text.lower().split())
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


REPEAT_SUFFIX = re.compile(r"-[0-9]+$")


def stands_alone(ids: Iterable[str], slug: str) -> bool:
    """Whether :func:`assign_unique` gives ``slug`` to the one item that wants it whatever order
    the items come in: no id of ``ids`` is ``slug`` with a repeat suffix, and ``slug`` looks
    like no repeat itself."""
    repeat = slug + "-"
    return not REPEAT_SUFFIX.search(slug) and not any(
        other.startswith(repeat) and other[len(repeat) :].isdigit() for other in ids
    )
