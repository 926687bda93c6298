"""The last build's model, updated instead of built again, when only abstracts changed.

Building the model (:mod:`scholarsite.model`) merges every record of every dump; at 10,000 papers
that takes most of a second, and the preview server would pay it on every save. The commonest
edit, though, changes a few words of one abstract. When the only difference from the dumps of
the last build is the abstract text of some records, and neither a merge (records of one work
merge on equal abstracts), an id, a curation fix nor a warning can depend on that text, the new
model is the old one with those papers' abstracts replaced. For any other change
:func:`updated_corpus` returns None and the build makes the model from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from scholarsite.corpus import RawProfile, RawRecord
from scholarsite.corpus.arxiv import normalize_id
from scholarsite.curation import Curation
from scholarsite.model import Corpus, Paper
from scholarsite.naming import abstract_key

# The records that have one abstract key: (file, line, arXiv id without version or None).
KeyedRecords = dict[str, tuple[tuple[str, int, str | None], ...]]


@dataclass(frozen=True)
class ModelSource:
    """What a model was made from: every dump as parsed (before curation), the curation, and
    the records that have each abstract key (records with equal keys merge)."""

    parsed: Mapping[str, RawProfile]
    curation: Curation
    abstract_keys: KeyedRecords = field(compare=False)

    @classmethod
    def of(
        cls, parsed: Mapping[str, RawProfile], curation: Curation, last: ModelSource | None
    ) -> ModelSource:
        """Given the source of the last model, only the dumps parsed again are read for keys."""
        if last is None:
            return cls(parsed, curation, _keyed(parsed.values(), {}))
        gone = {f for f, p in last.parsed.items() if parsed.get(f) is not p}
        keys = {
            key: kept
            for key, found in last.abstract_keys.items()
            if (kept := tuple(r for r in found if r[0] not in gone))
        }
        return cls(parsed, curation, _keyed((parsed[f] for f in gone if f in parsed), keys))


def _keyed(profiles: Iterable[RawProfile], keys: KeyedRecords) -> KeyedRecords:
    for profile in profiles:
        for r in profile.records:
            if r.abstract:
                key = abstract_key(r.abstract)
                keys[key] = (*keys.get(key, ()), (r.file, r.line, _arxiv(r)))
    return keys


def _arxiv(record: RawRecord) -> str | None:
    return normalize_id(record.arxiv) if record.arxiv else None


@dataclass(frozen=True)
class ModelUpdate:
    corpus: Corpus
    source: ModelSource
    papers: frozenset[str]  # the ids of the papers whose abstract changed


def updated_corpus(
    corpus: Corpus, last: ModelSource, parsed: Mapping[str, RawProfile], curation: Curation
) -> ModelUpdate | None:
    """``corpus`` (made from ``last``) updated to the dumps ``parsed`` now, or None when the
    change is more than abstract text or something else may depend on that text."""
    if curation != last.curation or parsed.keys() != last.parsed.keys():
        return None
    edits: list[tuple[RawRecord, RawRecord]] = []
    for file, profile in parsed.items():
        if profile is not last.parsed[file]:
            found = abstract_edits(last.parsed[file], profile)
            if found is None:
                return None
            edits += found
    keys = dict(last.abstract_keys)
    for before, after in edits:
        if any(fix.matches(before) or fix.matches(after) for fix in curation.papers):
            return None
        if not rekey(keys, before, after):
            return None
    papers = _new_abstracts(corpus, parsed, edits)
    if papers is None:
        return None
    updated = Corpus.of(
        (papers.get(p.id, p) for p in corpus.papers), corpus.people, corpus.problems
    )
    return ModelUpdate(updated, ModelSource(parsed, curation, keys), frozenset(papers))


def abstract_edits(old: RawProfile, new: RawProfile) -> list[tuple[RawRecord, RawRecord]] | None:
    """The records of one dump whose abstract alone changed, or None if anything else did."""
    same_header = (old.layout, old.owner, old.owner_line) == (new.layout, new.owner, new.owner_line)
    if not same_header or old.problems != new.problems or len(old.records) != len(new.records):
        return None
    edits = []
    for before, after in zip(old.records, new.records, strict=True):
        if before == after:
            continue
        if replace(before, abstract=after.abstract) != after:
            return None
        edits.append((before, after))
    return edits


def rekey(keys: KeyedRecords, before: RawRecord, after: RawRecord) -> bool:
    """Move one record from its old abstract key to its new one in ``keys``; False when that
    may change what merges: the new key is taken, or records that share the old key are not
    all still merged with this one by its arXiv id."""
    old = abstract_key(before.abstract) if before.abstract else None
    new = abstract_key(after.abstract) if after.abstract else None
    if old == new:
        return True
    if new is not None and new in keys:
        return False
    if old is not None:
        where = (before.file, before.line)
        others = tuple(r for r in keys[old] if r[:2] != where)
        arxiv = _arxiv(before)
        if others and (arxiv is None or all(r[2] != arxiv for r in others)):
            return False
        if others:
            keys[old] = others
        else:
            del keys[old]
    if new is not None:
        keys[new] = ((after.file, after.line, _arxiv(after)),)
    return True


def _new_abstracts(
    corpus: Corpus, parsed: Mapping[str, RawProfile], edits: list[tuple[RawRecord, RawRecord]]
) -> dict[str, Paper] | None:
    """The papers of the edited records with their abstracts as the records now give them; None
    for an untitled paper (its id and title are made from its abstract)."""
    if not edits:
        return {}
    edited = {(after.file, after.line) for _, after in edits}
    changed: dict[str, Paper] = {}
    for paper in corpus.papers:
        if not any((s.file, s.line) in edited for s in paper.sources):
            continue  # a paper left out of the model (hidden) has no page to change
        if paper.title is None:
            return None
        records = [_record_at(parsed, s.file, s.line) for s in paper.sources]
        abstract = " ".join(next((r.abstract for r in records if r.abstract), "").split())
        if abstract != paper.abstract:
            changed[paper.id] = replace(paper, abstract=abstract)
    return changed


def _record_at(parsed: Mapping[str, RawProfile], file: str, line: int) -> RawRecord:
    return next(r for r in parsed[file].records if r.line == line)
