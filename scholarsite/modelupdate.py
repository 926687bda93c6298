"""The last build's model, updated instead of built again, when a dump edit changed only
abstracts, titles or author lists, or added or removed records, or a curation edit changed
only acknowledgements or the title a fix gives.

Building the model (:mod:`scholarsite.model`) merges every record of every dump; at 10,000 papers
that takes most of a second, and the preview server would pay it on every save. The commonest
edits, though, change a few words of one abstract, one title or one author list, or add one
paper. When the only difference from the dumps of the last build is the abstract or title text
of some records, and neither a merge (records of one work merge on equal abstracts), a curation
fix nor a warning can depend on that text, the new model is the old one with those papers'
abstracts and titles replaced. A new title may give its paper a new id (ids are made from
titles): it is taken when no other paper's id can depend on it, and the papers are put in order
again. A changed author list changes its paper's authors and the people whose places or
spellings on it changed (:mod:`scholarsite.peopleupdate`). One record added to a dump or removed
from it, the records after it only moved, adds or removes its paper, when it merges with no
other record, curation does not match it and no other paper's id can depend on its id. A save
that holds several of these changes is taken one change at a time (:mod:`scholarsite.editsteps`).
A curation edit that only acknowledges warnings, or no longer acknowledges them, leaves the
model as it is; one that changes the title a fix gives retitles its paper, on the same terms as
a title edited in a dump. For any other change :func:`updated_corpus` returns None and the
build makes the model from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from scholarsite.corpus import RawProfile, RawRecord
from scholarsite.corpus.arxiv import normalize_id
from scholarsite.curation import Curation, PaperFix, apply_fix
from scholarsite.editsteps import edit_steps, moved
from scholarsite.model import (
    Corpus,
    Paper,
    PaperDraft,
    Source,
    abstract_of,
    newest_first,
    owners,
    paper_of,
    paper_slug,
)
from scholarsite.naming import REPEAT_SUFFIX, abstract_key, slugify, stands_alone
from scholarsite.peopleupdate import (
    PeopleChange,
    Records,
    author_keys,
    everyone,
    ids_by_key,
    people_again,
    reauthored,
)

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
    beyond_texts: bool  # a title, an author list or a record changed: more pages than theirs


def updated_corpus(
    corpus: Corpus, last: ModelSource, parsed: Mapping[str, RawProfile], curation: Curation
) -> ModelUpdate | None:
    """``corpus`` (made from ``last``) updated to the dumps ``parsed`` and the ``curation`` now,
    or None when the change is more than edits to abstracts, titles and author lists and records
    added or removed (or, with the dumps as they were, to acknowledgements or a fix's title), or
    when something else may depend on it. A save that holds several such changes is taken one
    change at a time (:func:`~scholarsite.editsteps.edit_steps`)."""
    if parsed.keys() != last.parsed.keys():
        return None
    if not same_model_curation(curation, last.curation):
        return _fix_retitled(corpus, last, parsed, curation)
    last = replace(last, curation=curation)
    return _one_change(corpus, last, parsed, curation) or _in_steps(corpus, last, parsed, curation)


def same_model_curation(new: Curation, old: Curation) -> bool:
    """Whether two curations make the same model: they differ at most in the warnings they
    acknowledge, which the build marks after the model is made."""
    return replace(new, acknowledgements=()) == replace(old, acknowledgements=())


def _fix_retitled(
    corpus: Corpus, last: ModelSource, parsed: Mapping[str, RawProfile], curation: Curation
) -> ModelUpdate | None:
    """The update for a curation edit that changes the title one fix gives (matched by arXiv id
    or abstract), with no dump changed: the one paper whose title that changes is retitled, when
    its id can follow (:func:`_new_id`). None for any other curation edit."""
    fix = _retitling_fix(curation, last.curation)
    if fix is None or any(parsed[f] is not p for f, p in last.parsed.items()):
        return None
    if fix.match_abstract:
        found = [r for k, rs in last.abstract_keys.items() if k.startswith(fix.match_abstract)
                 for r in rs]  # fmt: skip
    elif fix.match_arxiv:
        if any(f.arxiv and normalize_id(f.arxiv) == fix.match_arxiv for f in curation.papers):
            return None  # another fix may give a record the id this one matches
        found = [(r.file, r.line, a) for p in parsed.values() for r in p.records
                 if (a := _arxiv(r)) == fix.match_arxiv]  # fmt: skip
    else:
        return None
    matched = {Source(file, line) for file, line, _ in found}
    dumps = {s.file for s in matched}
    papers = [p for p in corpus.papers_of_dumps(dumps) if matched.intersection(p.sources)]
    source = ModelSource(parsed, curation, last.abstract_keys)
    if not papers:
        return ModelUpdate(corpus, source, frozenset(), False)
    if len(papers) > 1:
        return None
    [paper] = papers
    records = [_record_at(parsed, s.file, s.line) for s in paper.sources]
    old, new = _title(curated(records, last.curation)), _title(curated(records, curation))
    if old != paper.title:
        return None
    new_id = _new_id(corpus, paper, old, new, curation)
    if new_id is None:
        return None
    updated = _renamed(corpus, {paper.id: replace(paper, id=new_id, title=new)})
    return ModelUpdate(updated, source, frozenset(), True)


def _retitling_fix(new: Curation, old: Curation) -> PaperFix | None:
    """The fix (as it was) whose title alone changed, when nothing else changed that the model
    depends on, and it gives a title before and after and does not match by id."""
    if len(new.papers) != len(old.papers):
        return None
    if not same_model_curation(replace(new, papers=old.papers), old):
        return None
    changed = [(a, b) for a, b in zip(old.papers, new.papers, strict=True) if a != b]
    if len(changed) != 1:
        return None
    before, after = changed[0]
    if before.title is None or after.title is None or before.match_id is not None:
        return None
    return before if replace(before, title=after.title) == after else None


def curated(records: Iterable[RawRecord], curation: Curation) -> list[RawRecord]:
    """Copies of one paper's ``records`` with the fixes matched by arXiv id or abstract
    applied, as the model build applies them: a fix that matches one of them, to all."""
    copies = [replace(r) for r in records]
    for fix in curation.papers:
        if any(map(fix.matches, copies)):
            for record in copies:
                apply_fix(record, fix)
    return copies


def _in_steps(
    corpus: Corpus, last: ModelSource, parsed: Mapping[str, RawProfile], curation: Curation
) -> ModelUpdate | None:
    """The update made of each changed dump's steps in turn, or None if any step is more than
    :func:`_one_change` takes, or if the change is one step (tried whole)."""
    chains = {}
    for file, profile in parsed.items():
        if profile is not last.parsed[file]:
            steps = edit_steps(last.parsed[file], profile)
            if steps is None:
                return None
            chains[file] = steps
    if sum(len(steps) for steps in chains.values()) == 1:
        return None
    now, source = dict(last.parsed), last
    abstracts: set[str] = set()
    beyond = False
    for file, steps in chains.items():
        for step in steps:
            now[file] = step
            update = _one_change(corpus, source, dict(now), curation)
            if update is None:
                return None
            corpus, source = update.corpus, update.source
            abstracts |= update.papers
            beyond = beyond or update.beyond_texts
    final = ModelSource(parsed, curation, source.abstract_keys)
    return ModelUpdate(corpus, final, frozenset(abstracts), beyond)


def _one_change(
    corpus: Corpus, last: ModelSource, parsed: Mapping[str, RawProfile], curation: Curation
) -> ModelUpdate | None:
    """The update for edits to texts, or for one record added or removed, and nothing else."""
    edits: list[tuple[RawRecord, RawRecord]] = []
    records: list[RecordChange] = []
    for file, profile in parsed.items():
        if profile is not last.parsed[file]:
            found = text_edits(last.parsed[file], profile)
            if found is None:
                change = record_change(last.parsed[file], profile)
                if change is None:
                    return None
                records.append(change)
            else:
                edits += found
    if records:  # one record more or less, and nothing else
        if len(records) > 1 or edits:
            return None
        return _one_record(corpus, last, parsed, curation, records[0])
    keys = dict(last.abstract_keys)
    for before, after in edits:
        if any(fix.matches(before) or fix.matches(after) for fix in curation.papers):
            return None
        if not rekey(keys, before, after):
            return None
    papers = _new_texts(corpus, last.parsed, parsed, edits, curation)
    if papers is None:
        return None
    retitled = any(new.title != corpus.papers_by_id[pid].title for pid, new in papers.items())
    authored = {(new.file, new.line) for old, new in edits if old.authors != new.authors}
    if retitled and authored:
        return None
    if retitled:
        updated = _renamed(corpus, papers)
    elif papers:
        updated = corpus.with_papers(papers)
    else:
        updated = corpus
    if authored:
        with_authors = reauthored(updated, last.parsed, parsed, curation, authored)
        if with_authors is None:
            return None
        updated = with_authors
    old = corpus.papers_by_id
    abstracts = frozenset(pid for pid, new in papers.items() if new.abstract != old[pid].abstract)
    source = ModelSource(parsed, curation, keys)
    return ModelUpdate(updated, source, abstracts, retitled or bool(authored))


def text_edits(old: RawProfile, new: RawProfile) -> list[tuple[RawRecord, RawRecord]] | None:
    """The records of one dump whose abstract, title or author list alone changed, or None if
    anything else did (an author list that starts or stops being there included)."""
    same_header = (old.layout, old.owner, old.owner_line) == (new.layout, new.owner, new.owner_line)
    if not same_header or old.problems != new.problems or len(old.records) != len(new.records):
        return None
    edits = []
    for before, after in zip(old.records, new.records, strict=True):
        if before == after:
            continue
        texts_only = replace(
            before, abstract=after.abstract, title=after.title, authors=after.authors
        )
        if texts_only != after or bool(before.authors) != bool(after.authors):
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


def _new_texts(
    corpus: Corpus,
    last: Mapping[str, RawProfile],
    parsed: Mapping[str, RawProfile],
    edits: list[tuple[RawRecord, RawRecord]],
    curation: Curation,
) -> dict[str, Paper] | None:
    """The papers of the edited records with their abstracts and titles as the records now give
    them (``last``: the dumps as parsed before), keyed by their id in ``corpus``; None when the
    change may be more than that: an untitled paper (its id and title are made from its
    abstract), or a new title that curation may override or whose id is not sure
    (:func:`_new_id`)."""
    if not edits:
        return {}
    edited = {(after.file, after.line) for _, after in edits}
    changed: dict[str, Paper] = {}
    for paper in corpus.papers_of_dumps(file for file, _ in edited):
        if not any((s.file, s.line) in edited for s in paper.sources):
            continue  # a paper left out of the model (hidden) has no page to change
        if paper.title is None:
            return None
        records = [_record_at(parsed, s.file, s.line) for s in paper.sources]
        abstract, source = abstract_of(records)
        earlier = [_record_at(last, s.file, s.line) for s in paper.sources]
        before, title = _title(earlier), _title(records)
        if title != before:
            if any(fix.matches(r) for fix in curation.papers for r in (*earlier, *records)):
                return None  # a fix may give the paper its title
            new_id = _new_id(corpus, paper, before, title, curation)
            if new_id is None:
                return None
            changed[paper.id] = replace(
                paper, id=new_id, title=title, abstract=abstract, abstract_source=source
            )
        elif abstract != paper.abstract or source != paper.abstract_source:
            changed[paper.id] = replace(paper, abstract=abstract, abstract_source=source)
    return changed


def _new_id(
    corpus: Corpus, paper: Paper, before: str | None, title: str | None, curation: Curation
) -> str | None:
    """The id a cold build would give ``paper`` when its records' title changes from ``before``
    to ``title``, when that is sure to change no other paper's id and curation has no say;
    else None. Ids are slugs of the records' titles, repeats suffixed in order
    (:func:`~scholarsite.naming.assign_unique`), and curation may match a paper by that id. So
    the id follows the title when the paper shows its records' title, no curation fix names
    either slug by id, neither slug is suffixed or could be a suffixed one, and no other paper
    has either slug, with or without a suffix."""
    if before is None or title is None or paper.title != before:
        return None  # untitled before or after, or curation gave the title
    old, new = slugify(before, "paper"), slugify(title, "paper")
    if any(fix.match_id in (old, new, paper.id) for fix in curation.papers):
        return None
    if old == new:
        return paper.id
    if paper.id != old or REPEAT_SUFFIX.search(old) or REPEAT_SUFFIX.search(new):
        return None
    if new in corpus.papers_by_id or any(
        _suffix_of(pid, (old, new)) for pid in corpus.papers_by_id
    ):
        return None
    return new


def _suffix_of(pid: str, slugs: tuple[str, ...]) -> bool:
    """Whether ``pid`` is one of ``slugs`` with a repeat suffix (``tony-2`` of ``tony``)."""
    suffix = REPEAT_SUFFIX.search(pid)
    return suffix is not None and pid[: suffix.start()] in slugs


def _renamed(corpus: Corpus, papers: dict[str, Paper]) -> Corpus:
    """``corpus`` with ``papers`` (keyed by their old id) in place, in the model's order again,
    and each person's papers renamed and in that order too."""
    ordered = sorted((papers.get(p.id, p) for p in corpus.papers), key=newest_first)
    renames = {old: new.id for old, new in papers.items() if new.id != old}
    if not renames:
        return Corpus.of(ordered, corpus.people, corpus.problems)
    position = {p.id: n for n, p in enumerate(ordered)}
    touched = {pid for old in renames for pid in (*papers[old].authors, *papers[old].profiles)}
    people = [
        replace(
            person,
            papers=tuple(
                sorted((renames.get(p, p) for p in person.papers), key=position.__getitem__)
            ),
        )
        if person.id in touched
        else person
        for person in corpus.people
    ]
    return Corpus.of(ordered, people, corpus.problems)


def _title(records: Iterable[RawRecord]) -> str | None:
    """A paper's title as its records give it: the first they have (as the model takes it)."""
    return next((r.title for r in records if r.title), None)


def _record_at(parsed: Mapping[str, RawProfile], file: str, line: int) -> RawRecord:
    return next(r for r in parsed[file].records if r.line == line)


@dataclass(frozen=True)
class RecordChange:
    """One record added to a dump or removed from it; the lines from ``start`` on (as numbered
    before) moved by ``delta``."""

    file: str
    record: RawRecord  # as the dump that has it numbers it
    added: bool
    start: int
    delta: int

    def line(self, line: int) -> int:
        """Where a line of the dump before the change is after it."""
        return line + self.delta if line >= self.start else line


def record_change(old: RawProfile, new: RawProfile) -> RecordChange | None:
    """The one record ``new`` has more or fewer than ``old``, when nothing else changed but
    the lines of the records (and warnings) after it; else None."""
    same_header = (old.layout, old.owner, old.owner_line) == (new.layout, new.owner, new.owner_line)
    added = len(new.records) == len(old.records) + 1
    if not same_header or (not added and len(old.records) != len(new.records) + 1):
        return None
    short, long = (old.records, new.records) if added else (new.records, old.records)
    pairs = zip(short, long[: len(short)], strict=True)
    at = next((n for n, (a, b) in enumerate(pairs) if a != b), len(short))
    rest = short[at:]
    gap = long[at + 1].line - rest[0].line if rest else 0
    if any(moved(r, gap) != after for r, after in zip(rest, long[at + 1 :], strict=True)):
        return None
    start = (rest[0].line if added else long[at + 1].line) if rest else long[at].line + 1
    change = RecordChange(old.file, long[at], added, start, gap if added else -gap)
    problems = [replace(p, line=change.line(p.line)) for p in old.problems]
    return change if problems == new.problems else None


def _one_record(
    corpus: Corpus,
    last: ModelSource,
    parsed: Mapping[str, RawProfile],
    curation: Curation,
    change: RecordChange,
) -> ModelUpdate | None:
    """The model with one paper more or fewer, made of the one record added or removed, or None
    when that may change other papers: the record merges with another, curation matches it, or
    another paper's id may depend on its id; or people beyond its authors and its dump's owner
    (:func:`people_again`)."""
    record, file = change.record, change.file
    if any(fix.matches(record) for fix in curation.papers):
        return None
    keys = _keys_moved(last.abstract_keys, last.parsed[file], change)
    papers = dict(corpus.papers_by_id)
    owner = next(p for p in corpus.people if file in p.profiles).id
    here = corpus.papers_of_dumps([file])
    papers.update((p.id, _sources_moved(p, change)) for p in here)
    seen = owners(list(last.parsed.values()), curation), owners(list(parsed.values()), curation)
    changes = PeopleChange({}, set(), papers, Records(last.parsed, parsed), seen)
    if change.added:
        key = abstract_key(record.abstract) if record.abstract else None
        arxiv = _arxiv(record)
        if (key is not None and key in keys) or (arxiv and arxiv in _arxiv_ids(last.parsed)):
            return None  # it merges with another record
        pid = paper_slug([record])
        if pid in papers or not stands_alone(papers, pid) or _by_id(curation, pid):
            return None
        if key is not None:
            keys[key] = ((file, record.line, arxiv),)
        handle = seen[1].owner_of[file]  # its authors are given their ids below
        draft = PaperDraft([record], (), bool(record.authors), (handle,))
        papers[pid] = paper_of(draft, pid, {handle: owner})
        if record.authors:
            changes.keys[pid] = ((), author_keys(seen[1], record))
    else:
        gone = next((p for p in here if Source(file, record.line) in p.sources), None)
        if gone is None or len(gone.sources) != 1 or not stands_alone(papers, gone.id):
            return None
        if _by_id(curation, gone.id):
            return None
        if record.abstract:
            key = abstract_key(record.abstract)
            if keys[key] != ((file, record.line, _arxiv(record)),):
                return None
            del keys[key]
        del papers[gone.id]
        pid = gone.id
        if record.authors:
            changes.keys[pid] = (author_keys(seen[0], record), ())
    changes.touched = {key for old, new in changes.keys.values() for key in (*old, *new)}
    ordered = sorted(papers.values(), key=newest_first)
    order = {p.id: n for n, p in enumerate(ordered)}
    ids = ids_by_key(corpus, seen[1])
    again = people_again(corpus, changes, order, ids)
    if again is None:
        return None
    if owner not in again:  # the dump's owner, on no author list of the record
        person = corpus.people_by_id[owner]
        mine = {*person.papers, pid} if change.added else set(person.papers) - {pid}
        again[owner] = replace(person, papers=tuple(sorted(mine, key=order.__getitem__)))
    if change.added:
        new = papers[pid]
        authors = tuple(ids[k] for k in changes.keys[pid][1]) if record.authors else (owner,)
        ordered[order[pid]] = replace(new, authors=authors)
    updated = Corpus.of(ordered, everyone(corpus, again), corpus.problems)
    return ModelUpdate(updated, ModelSource(parsed, curation, keys), frozenset(), True)


def _by_id(curation: Curation, pid: str) -> bool:
    """Whether a curation fix matches the paper ``pid`` by its id."""
    return any(fix.match_id == pid for fix in curation.papers)


def _sources_moved(paper: Paper, change: RecordChange) -> Paper:
    if not any(s.file == change.file and s.line >= change.start for s in paper.sources):
        return paper
    sources = (
        Source(s.file, change.line(s.line)) if s.file == change.file else s for s in paper.sources
    )
    at = paper.abstract_source
    if at is not None and at.file == change.file:
        at = Source(at.file, change.line(at.line))
    return replace(paper, sources=tuple(sources), abstract_source=at)


def _keys_moved(keys: KeyedRecords, dump: RawProfile, change: RecordChange) -> KeyedRecords:
    """``keys`` with the records of the dump (as it was) that moved at their new lines."""
    now = dict(keys)
    for key in {
        abstract_key(r.abstract) for r in dump.records if r.abstract and r.line >= change.start
    }:
        now[key] = tuple(
            (file, change.line(line), arxiv) if file == change.file else (file, line, arxiv)
            for file, line, arxiv in keys[key]
        )
    return now


def _arxiv_ids(parsed: Mapping[str, RawProfile]) -> set[str]:
    return {arxiv for p in parsed.values() for r in p.records if (arxiv := _arxiv(r))}
