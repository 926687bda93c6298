"""People worked out again when author lists change, from their own papers alone.

The model (:mod:`scholarsite.model`) sees every author of every paper, papers in the order of
their first records; a person's shown name, spellings and first sighting come from that. When
some author lists change, only the people whose places or spellings on them changed can change:
each is seen again on its own papers, as they were and as they are, in the same order. What
that cannot settle (another person's id, a new name's id) makes the update give up, and the
model is built again (:mod:`scholarsite.modelupdate`).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping
from dataclasses import dataclass, replace

from scholarsite.corpus import RawProfile, RawRecord
from scholarsite.curation import Curation
from scholarsite.model import Corpus, Paper, People, Person, owners, person_of, person_order
from scholarsite.naming import name_key, slugify, stands_alone

AuthorKeys = tuple[tuple[str, ...], tuple[str, ...]]  # a paper's author keys before and after


@dataclass
class PeopleChange:
    """What an edit changed of author lists: each changed paper's author keys before and after,
    the keys of the people whose places or spellings changed, the papers after the edit, the
    records on both sides, and the people as the model sees them before and after (owners
    seen; authors are seen again by :func:`people_again`)."""

    keys: dict[str, AuthorKeys]
    touched: set[str]
    papers: Mapping[str, Paper]
    records: Records
    seen: tuple[People, People]


def reauthored(
    corpus: Corpus,
    last: Mapping[str, RawProfile],
    parsed: Mapping[str, RawProfile],
    curation: Curation,
    edited: set[tuple[str, int]],
) -> Corpus | None:
    """``corpus`` with the author lists the records ``edited`` (file, line) now give (``last``:
    the dumps as parsed before), or None when that may change more than those papers and the
    people whose places or spellings on them changed: another person's id may change, a
    person's name changes, or curation may give a paper its authors."""
    seen = owners(list(last.values()), curation), owners(list(parsed.values()), curation)
    changes = PeopleChange({}, set(), corpus.papers_by_id, Records(last, parsed), seen)
    for paper in corpus.papers_of_dumps(file for file, _ in edited):
        if not any((s.file, s.line) in edited for s in paper.sources):
            continue
        records = [*changes.records.of(paper, old=True), *changes.records.of(paper, old=False)]
        if any(fix.match_id == paper.id or any(map(fix.matches, records))
               for fix in curation.papers):  # fmt: skip
            return None  # the fix is the paper's, whichever of its records it matches
        old = changes.records.listed(paper, old=True)
        new = changes.records.listed(paper, old=False)
        if old is None or new is None:
            return None
        if old.authors != new.authors:
            changes.keys[paper.id] = keys = (author_keys(seen[0], old), author_keys(seen[1], new))
            changes.touched |= _moved(keys, (old, new))
    ids = ids_by_key(corpus, seen[1])
    order = {p.id: n for n, p in enumerate(corpus.papers)}
    again = people_again(corpus, changes, order, ids)
    if again is None:
        return None
    papers = {
        pid: replace(corpus.papers_by_id[pid], authors=tuple(dict.fromkeys(ids[k] for k in new)))
        for pid, (_, new) in changes.keys.items()
    }
    return Corpus.of(
        (papers.get(p.id, p) for p in corpus.papers), everyone(corpus, again), corpus.problems
    )


def _sight(
    people: People,
    key: str,
    person: Person | None,
    papers: Mapping[str, Paper],
    changes: PeopleChange,
    side: int,
) -> None:
    """See the person of ``key`` (``person``, if it was one) on every author list it is on,
    before the edit (``side`` 0, ``papers`` as they were) or after it (1, as they are), in the
    order the model sees them. A paper no record gives an author list is left out: its authors
    are the owners of its profiles, seen as owners."""
    changed = changes.keys
    mine = person.papers if person is not None else ()
    kept = [
        paper
        for paper in (papers[p] for p in mine if p not in changed)
        if person and paper.authors_complete and person.id in paper.authors
    ]
    listing = kept + [papers[p] for p, keys in changed.items() if key in keys[side]]
    for paper in sorted(listing, key=lambda paper: changes.records.first(paper, side == 0)):
        record = changes.records.listed(paper, old=side == 0)
        assert record is not None
        people.sight_authors(record, only=key)


def people_again(
    corpus: Corpus, changes: PeopleChange, order: Mapping[str, int], ids: dict[str, str]
) -> dict[str, Person | None] | None:
    """The people of the keys ``changes`` touched, seen again (new ones added to ``ids``), by
    id (None: gone); None when a change may reach beyond them. ``order``: each paper's place in
    the new model."""
    seen, after_papers = changes.seen, changes.papers
    if not changes.touched.isdisjoint(seen[1].curated):
        return None  # curation names these people: whether its entries match may change
    for key in changes.touched:
        pid = ids.get(key)
        person = corpus.people_by_id[pid] if pid is not None else None
        for side, papers in enumerate((corpus.papers_by_id, after_papers)):
            _sight(seen[side], key, person, papers, changes, side)
    again: dict[str, Person | None] = {}
    for key in sorted(changes.touched):
        before, after = (people.drafts.get(("key", key)) for people in seen)
        pid = ids.get(key)
        if after is None:  # no sighting left: the person goes, freeing an id nobody else wants
            if pid is None or not stands_alone(corpus.people_by_id, pid):
                return None
            again[pid] = None
            continue
        if pid is None:  # a new person, whose id no other person has or may want
            assert after.name is not None
            pid = ids[key] = slugify(after.name.display, "person")
            if pid in corpus.people_by_id or pid in again:
                return None
        elif before is None or (
            before.first_seen != after.first_seen and not stands_alone(corpus.people_by_id, pid)
        ):
            return None  # the order people are first seen in may give out their ids
        old = corpus.people_by_id.get(pid)
        theirs = {
            p
            for p, keys in changes.keys.items()
            if key in keys[1] or (p in after_papers and pid in after_papers[p].profiles)
        }
        mine = {p for p in (old.papers if old else ()) if p not in changes.keys} | theirs
        person = person_of(after, pid, tuple(sorted(mine, key=order.__getitem__)))
        if old is not None and (person.name, person.citation_name) != (old.name, old.citation_name):
            return None
        again[pid] = person
    return again


def everyone(corpus: Corpus, again: Mapping[str, Person | None]) -> list[Person]:
    """Every person, with those ``again`` changed (None: gone), in the model's order. A changed
    person keeps their name and id (:func:`people_again`), so their place: only new people
    are put in theirs."""
    people = [kept for p in corpus.people if (kept := again.get(p.id, p)) is not None]
    for pid, person in again.items():
        if person is not None and pid not in corpus.people_by_id:
            insort(people, person, key=person_order)
    return people


class Records:
    """The records of the dumps before and after an edit, found by their place."""

    def __init__(self, last: Mapping[str, RawProfile], parsed: Mapping[str, RawProfile]):
        self.dumps = {True: last, False: parsed}
        self.files = {file: n for n, file in enumerate(parsed)}

    def place(self, file: str, line: int, old: bool) -> int:
        """The index of the record at ``line`` (records are in the order of their lines)."""
        records = self.dumps[old][file].records
        at = bisect_left(records, line, key=_line)
        if at == len(records) or records[at].line != line:
            raise LookupError(f"{file}:{line}: no record starts here")
        return at

    def of(self, paper: Paper, old: bool) -> list[RawRecord]:
        """The paper's records."""
        return [self.dumps[old][s.file].records[self.place(s.file, s.line, old)]
                for s in paper.sources]  # fmt: skip

    def listed(self, paper: Paper, old: bool) -> RawRecord | None:
        """The record whose author list is the paper's: its first that has one."""
        return next((r for r in self.of(paper, old) if r.authors), None)

    def first(self, paper: Paper, old: bool) -> tuple[int, int]:
        """Where a paper's first record is: papers' authors are seen in that order."""
        source = paper.sources[0]
        return self.files[source.file], self.place(source.file, source.line, old)


def _line(record: RawRecord) -> int:
    return record.line


def author_keys(people: People, record: RawRecord) -> tuple[str, ...]:
    return tuple(people.key(name) for name in record.authors or ())


def _moved(keys: AuthorKeys, records: tuple[RawRecord, RawRecord]) -> set[str]:
    """The keys of the people whose places or spellings on an author list changed."""
    old, new = ({*enumerate(zip(found, record.authors or (), strict=True))}
                for found, record in zip(keys, records, strict=True))  # fmt: skip
    return {key for _, (key, _) in old ^ new}


def ids_by_key(corpus: Corpus, people: People) -> dict[str, str]:
    """The id of the person each name key stands for. A person made from names (all but the
    owners of a profile whose name is missing or shared) has its own name's key."""
    by_profile = {file for file, handle in people.owner_of.items() if handle[0] == "profile"}
    return {
        name_key(p.name): p.id
        for p in corpus.people
        if p.name is not None and not (len(p.profiles) == 1 and p.profiles[0] in by_profile)
    }
