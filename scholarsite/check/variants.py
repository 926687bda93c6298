"""Likely name variants of one person, ranked, with the ``curation.yaml`` lines that merge them."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations

from scholarsite.model import Person
from scholarsite.naming import fold

PREFIX_SCORE = 0.9
SHORT_PREFIX = 3
INITIALS_SCORE = 0.75
TYPO_SCORE = 0.85
TYPO_STEP = 0.15
_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Variant:
    """Two spellings that are probably one person; ``keep`` is the spelling to show."""

    keep: Person
    other: Person
    score: float
    reason: str

    @property
    def names(self) -> tuple[str, str]:
        return (_citation(self.keep), _citation(self.other))

    def snippet(self) -> str:
        return curation_snippet([self])


def _citation(person: Person) -> str:
    return person.citation_name or person.name or person.id


def _parts(person: Person) -> tuple[str, str] | None:
    """Folded (family, given) of a two-part name; None for single-part or unnamed people."""
    citation = person.citation_name or ""
    last, sep, first = citation.partition(", ")
    if not sep or not last.strip() or not first.strip():
        return None
    return fold(last.strip()), fold(first.strip())


def given_names_compatible(short: str, long: str) -> str | None:
    """How ``short`` abbreviates ``long`` (``"prefix"`` or ``"initials"``), or None."""
    a, b = _TOKEN.findall(short), _TOKEN.findall(long)
    if not a or len(a) > len(b) or a == b:
        return None
    if not all(y.startswith(x) for x, y in zip(a, b, strict=False)):
        return None
    if len(a) < len(b) and len(a[-1]) > 1 and a[-1] != b[len(a) - 1]:
        return None
    return "initials" if any(len(x) == 1 for x in a) else "prefix"


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it is certainly larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_limit(name: str) -> int:
    """Edits that still look like a typo: none below 5 letters, one from 5, two from 9."""
    return 0 if len(name) < 5 else 1 if len(name) < 9 else 2


def _order(a: Person, b: Person) -> tuple[Person, Person]:
    """Show the spelling with more papers; then the longer (fuller) one; then alphabetically."""

    def rank(p: Person) -> tuple[int, int, str]:
        return (-len(p.papers), -len(_citation(p)), _citation(p))

    return (a, b) if rank(a) <= rank(b) else (b, a)


def _pair(a: Person, b: Person, score: float, reason: str) -> Variant:
    keep, other = _order(a, b)
    return Variant(keep, other, round(score, 3), reason)


def _same_family(people: Sequence[tuple[Person, str, str]]) -> Iterable[Variant]:
    for (p, _, first_p), (q, _, first_q) in combinations(people, 2):
        short, long = sorted((first_p, first_q), key=lambda s: (len(s), s))
        kind = given_names_compatible(short, long)
        if kind is None:
            continue
        score = INITIALS_SCORE if kind == "initials" else PREFIX_SCORE
        if kind == "prefix" and len(short) < SHORT_PREFIX:
            score = INITIALS_SCORE  # "Yu" / "Yuchen" is weaker evidence than "Phil" / "Philippe"
        yield _pair(p, q, score, f"same family name; given name {short!r} {kind} of {long!r}")


def _same_given(people: Sequence[tuple[Person, str, str]]) -> Iterable[Variant]:
    for (p, last_p, _), (q, last_q, _) in combinations(people, 2):
        limit = typo_limit(min(last_p, last_q, key=len))
        distance = edit_distance(last_p, last_q, limit)
        if 0 < distance <= limit:
            score = TYPO_SCORE - TYPO_STEP * (distance - 1)
            plural = "s" if distance > 1 else ""
            reason = f"same given name; family names differ by {distance} letter{plural}"
            yield _pair(p, q, score, reason)


def likely_variants(people: Iterable[Person]) -> list[Variant]:
    """Every likely pair, most likely first (score, then similarity of the full names)."""
    by_family: dict[str, list[tuple[Person, str, str]]] = defaultdict(list)
    by_given: dict[str, list[tuple[Person, str, str]]] = defaultdict(list)
    for person in sorted(people, key=lambda p: p.id):
        parts = _parts(person)
        if parts is not None:
            by_family[parts[0]].append((person, *parts))
            by_given[parts[1]].append((person, *parts))
    found: dict[tuple[str, str], Variant] = {}
    for group in by_family.values():
        for variant in _same_family(group):
            found.setdefault(_ids(variant), variant)
    for group in by_given.values():
        for variant in _same_given(group):
            found.setdefault(_ids(variant), variant)
    return sorted(found.values(), key=_rank)


def _ids(variant: Variant) -> tuple[str, str]:
    a, b = sorted((variant.keep.id, variant.other.id))
    return (a, b)


def _rank(variant: Variant) -> tuple[float, float, str, str]:
    keep, other = (fold(n) for n in variant.names)
    similarity = SequenceMatcher(None, keep, other).ratio()
    return (-variant.score, -similarity, *variant.names)


def curation_snippet(variants: Sequence[Variant]) -> str:
    """The ``curation.yaml`` lines that would merge the pairs (the first spelling is shown)."""
    lines = ["people:", "  same_person:"]
    lines += [
        f"    - [{json.dumps(v.names[0], ensure_ascii=False)}, "
        f"{json.dumps(v.names[1], ensure_ascii=False)}]"
        for v in variants
    ]
    return "\n".join(lines) + "\n"
