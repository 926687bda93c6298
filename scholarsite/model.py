"""The model: raw records merged into papers, names resolved into people, stable ids for both.

Records of one work (same arXiv id without version, or same normalized abstract) become one
Paper; every distinct name key becomes one Person, and every profile is a Person too (its owner).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter

from scholarsite.corpus import Layout, Name, RawProfile, RawRecord
from scholarsite.corpus.arxiv import month_and_number, normalize_id, year_of
from scholarsite.curation import (
    CURATION_NAME,
    Curation,
    PaperFix,
    apply_fix,
    fix_records,
    name_profiles,
)
from scholarsite.errors import Problem
from scholarsite.naming import abstract_key, assign_unique, fold, name_key, slugify

# A person is either everyone who shares a name key, or the owner of one profile.
Handle = tuple[str, str]


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class Paper:
    id: str
    title: str | None
    authors: tuple[str, ...]
    authors_complete: bool
    abstract: str
    arxiv: str | None
    year: int | None
    comments: tuple[str, ...]
    profiles: tuple[str, ...]
    sources: tuple[Source, ...]
    abstract_source: Source | None = None  # the line its abstract starts on

    @property
    def url(self) -> str:
        return f"papers/{self.id}/"


@dataclass(frozen=True)
class Person:
    id: str
    name: str | None
    citation_name: str | None
    papers: tuple[str, ...]
    profiles: tuple[str, ...]
    variants: tuple[str, ...]
    sort_key: str

    @property
    def url(self) -> str:
        return f"authors/{self.id}/"


@dataclass(frozen=True)
class Corpus:
    papers: tuple[Paper, ...]
    people: tuple[Person, ...]
    problems: tuple[Problem, ...]
    papers_by_id: dict[str, Paper] = field(repr=False, compare=False, default_factory=dict)
    people_by_id: dict[str, Person] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def of(
        cls, papers: Iterable[Paper], people: Iterable[Person], problems: Iterable[Problem]
    ) -> Corpus:
        papers, people = tuple(papers), tuple(people)
        return cls(
            papers,
            people,
            tuple(problems),
            {p.id: p for p in papers},
            {p.id: p for p in people},
        )

    def with_papers(self, changed: dict[str, Paper]) -> Corpus:
        """This corpus with the ``changed`` papers (keyed by their id, which they keep) in their
        places; the people and their index are this corpus's own."""
        papers = tuple(changed.get(p.id, p) for p in self.papers)
        return Corpus(papers, self.people, self.problems, self.papers_by_id | changed,
                      self.people_by_id)  # fmt: skip

    def papers_of_dumps(self, files: Iterable[str]) -> list[Paper]:
        """The papers with a record in one of ``files``, found among their owners' papers."""
        wanted = set(files)
        owners = (p for p in self.people if p.profiles and not wanted.isdisjoint(p.profiles))
        theirs = dict.fromkeys(pid for owner in owners for pid in owner.papers)
        found = map(self.papers_by_id.__getitem__, theirs)
        return [p for p in found if any(s.file in wanted for s in p.sources)]

    def coauthors(self, person: Person) -> tuple[tuple[str, int], ...]:
        """Who shares complete author lists with ``person``, with how many, most shared first;
        equal counts keep the order co-authors were first met in (the corpus order). Made when
        asked (for one page at a time): at scale, all of them at once would not fit in memory."""
        counts: Counter[str] = Counter()
        for paper in map(self.papers_by_id.__getitem__, person.papers):
            if paper.authors_complete and person.id in paper.authors:
                counts.update(dict.fromkeys(paper.authors).keys())  # counted in C
        counts.pop(person.id, None)
        return tuple(sorted(counts.items(), key=itemgetter(1), reverse=True))


def build_corpus(profiles: Sequence[RawProfile], curation: Curation) -> Corpus:
    """Curate, merge, resolve people and assign ids. The profiles' records are updated in place."""
    problems = name_profiles(profiles, curation)
    ambiguous = _ambiguous(profiles, curation.papers)
    fixes = [fix for fix in curation.papers if fix not in ambiguous]
    used = fix_records(profiles, fixes)
    corpus = _assemble(profiles, curation)
    whole, changed = _fix_whole_papers(profiles, corpus, fixes)
    used |= whole
    if changed:
        corpus = _assemble(profiles, curation)
    problems += [
        Problem(CURATION_NAME, fix.line, f"papers: {_describe(fix)} matches no paper")
        for fix in curation.papers
        if fix not in used and fix not in ambiguous
    ]
    problems += [
        Problem(
            CURATION_NAME,
            fix.line,
            f"papers: {_describe(fix)} matches {len(works)} different papers "
            f"({', '.join(f'{w[0].file}:{w[0].line}' for w in works[:3])}"
            f"{', …' if len(works) > 3 else ''}), so it was applied to none; "
            "give more of the abstract's first words",
        )
        for fix, works in ambiguous.items()
    ]
    return Corpus.of(corpus.papers, corpus.people, [*corpus.problems, *problems])


def _ambiguous(
    profiles: Sequence[RawProfile], fixes: Sequence[PaperFix]
) -> dict[PaperFix, list[list[RawRecord]]]:
    """The fixes matched by the start of an abstract that match records of more than one work
    (as the model would merge them), with those works."""
    records = [r for p in profiles for r in p.records]
    found = {}
    for fix in fixes:
        if fix.match_abstract is not None:
            works = merge_records([r for r in records if fix.matches(r)])
            if len(works) > 1:
                found[fix] = works
    return found


def _describe(fix: PaperFix) -> str:
    if fix.match_arxiv:
        return f"arxiv {fix.match_arxiv!r}"
    if fix.match_id:
        return f"id {fix.match_id!r}"
    return f"abstract_starts {fix.match_abstract!r}"


def _fix_whole_papers(
    profiles: Sequence[RawProfile], corpus: Corpus, fixes: list[PaperFix]
) -> tuple[set[PaperFix], bool]:
    """Each fix applied to every record of the papers it matches, by id or through one of their
    records (its title then wins over a title another record gives); the fixes that matched a
    paper, and whether any record changed."""
    used, changed = set[PaperFix](), False
    if not fixes:
        return used, changed
    records = {Source(r.file, r.line): r for p in profiles for r in p.records}
    for paper in corpus.papers:
        own = [records[source] for source in paper.sources]
        for fix in fixes:
            if fix.match_id == paper.id or any(map(fix.matches, own)):
                used.add(fix)
                for record in own:
                    before = replace(record)
                    apply_fix(record, fix)
                    changed = changed or record != before
    return used, changed


# --- merging -------------------------------------------------------------------------------


def merge_records(records: Sequence[RawRecord]) -> list[list[RawRecord]]:
    """Group records of one work: same arXiv id (versions ignored) or same normalized abstract."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple[str, str], int] = {}
    for index, record in enumerate(records):
        keys = []
        if record.arxiv and (arxiv := normalize_id(record.arxiv)):
            keys.append(("arxiv", arxiv))
        if record.abstract:
            keys.append(("abstract", abstract_key(record.abstract)))
        for key in keys:
            if key in first_seen:
                parent[find(index)] = find(first_seen[key])
            else:
                first_seen[key] = index
    groups: dict[int, list[RawRecord]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[find(index)].append(record)
    return list(groups.values())


# --- people --------------------------------------------------------------------------------


@dataclass
class PersonDraft:
    handle: Handle
    name: Name | None
    first_seen: tuple[int, int, int]
    spellings: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)


class People:
    """Resolves names and profile owners to handles; remembers names and first sightings.

    Made with the dumps' owners (curated) seen; each paper's authors are seen in turn, papers in
    the order of their first records (:func:`sight_authors`)."""

    def __init__(self, profiles: Sequence[RawProfile], curation: Curation) -> None:
        self.alias: dict[str, tuple[str, Name]] = {}
        for names, _line in curation.same_person:
            canonical = name_key(names[0].display)
            for name in names:
                self.alias[name_key(name.display)] = (canonical, names[0])
        # the keys curation's people entries name: whether an entry matches may change with them
        self.curated = set(self.alias) | {
            self.key(name) for names, _ in curation.different_people for name in names
        }
        self.drafts: dict[Handle, PersonDraft] = {}
        self.file_order = {p.file: i for i, p in enumerate(profiles)}
        owners = Counter(self.key(p.owner) for p in profiles if p.owner)
        self.owner_of: dict[str, Handle] = {}
        self.problems: list[Problem] = []
        for profile in profiles:
            if profile.layout is Layout.EMPTY and profile.owner is None:
                continue  # a file skipped (binary, empty…), already warned about: nobody's
            self.owner_of[profile.file] = self._owner_handle(profile, owners, profiles)

    def key(self, name: Name) -> str:
        key = name_key(name.display)
        return self.alias.get(key, (key, name))[0]

    def _owner_handle(
        self, profile: RawProfile, owners: Counter[str], profiles: Sequence[RawProfile]
    ) -> Handle:
        where = (self.file_order[profile.file], profile.owner_line or 0, 0)
        if profile.owner is None:
            self.problems.append(
                Problem(
                    profile.file,
                    1,
                    "the dump names no owner: the profile is shown as unnamed; "
                    "name it in curation.yaml under profiles:",
                )
            )
            handle: Handle = ("profile", profile.file)
            self._see(handle, None, where)
        else:
            key = self.key(profile.owner)
            if owners[key] == 1:
                handle = ("key", key)
            else:
                handle = ("profile", profile.file)
                others = sorted(p.file for p in profiles if p.owner and self.key(p.owner) == key)
                self.problems.append(
                    Problem(
                        profile.file,
                        profile.owner_line or 1,
                        f"{len(others)} profiles have the owner name {profile.owner.display!r} "
                        f"({', '.join(f.removeprefix('corpus/') for f in others)}): "
                        "kept as different "
                        "people; give each its full name in curation.yaml under profiles:",
                    )
                )
            self._see(handle, profile.owner, where)
        self.drafts[handle].profiles.append(profile.file)
        return handle

    def unmerged(self, curation: Curation) -> list[Problem]:
        """A warning for each ``same_person`` or ``different_people`` entry that does nothing:
        fewer than two of its spellings name an author or a profile's owner."""
        seen = {name_key(s) for draft in self.drafts.values() for s in draft.spellings}
        problems = []
        for key in ("same_person", "different_people"):
            for names, line in getattr(curation, key):
                found = {name_key(n.display) for n in names} & seen
                if len(found) < 2:
                    problems.append(Problem(CURATION_NAME, line, _unmerged(key, names, found)))
        return problems

    def author(self, name: Name, where: tuple[int, int, int]) -> Handle:
        handle = ("key", self.key(name))
        return self._see(handle, name, where)

    def sight_authors(self, listed: RawRecord, only: str | None = None) -> tuple[Handle, ...]:
        """The handles of the authors a record lists, each seen where it stands on the list;
        ``only``: the key of the one person to see there (the others are neither seen nor
        given)."""
        assert listed.authors is not None
        at = (self.file_order[listed.file], listed.line + 1)
        return tuple(
            self.author(name, (*at, i))
            for i, name in enumerate(listed.authors)
            if only is None or self.key(name) == only
        )

    def _see(self, handle: Handle, name: Name | None, where: tuple[int, int, int]) -> Handle:
        draft = self.drafts.get(handle)
        if draft is None:
            shown = self.alias.get(handle[1], ("", name))[1] if handle[0] == "key" else name
            draft = self.drafts[handle] = PersonDraft(handle, shown, where)
        else:
            draft.first_seen = min(draft.first_seen, where)
        if name is not None and (spelling := name.display) not in draft.spellings:
            draft.spellings.append(spelling)
        return handle


def _unmerged(key: str, names: tuple[Name, ...], found: set[str]) -> str:
    spellings = ", ".join(repr(n.citation) for n in names)
    missing = [repr(n.citation) for n in names if name_key(n.display) not in found]
    if len(missing) == len(names):
        return (
            f"people.{key} [{spellings}] matches no author or profile owner: "
            "check the spellings against the dumps"
        )
    return (
        f"people.{key} [{spellings}] {'merges' if key == 'same_person' else 'tells apart'} "
        f"nothing: {', '.join(missing)} names no author or profile owner; check the spelling "
        "against the dumps"
    )


# --- assembly ------------------------------------------------------------------------------


@dataclass
class PaperDraft:
    records: list[RawRecord]
    authors: tuple[Handle, ...]
    authors_complete: bool
    profiles: tuple[Handle, ...]


def owners(profiles: Sequence[RawProfile], curation: Curation) -> People:
    """The people of the dumps' (curated) owners, before any author is seen; the profiles are
    not changed."""
    headers = [replace(p, records=[], problems=[]) for p in profiles]
    name_profiles(headers, curation)
    return People(headers, curation)


def _assemble(profiles: Sequence[RawProfile], curation: Curation) -> Corpus:
    people = People(profiles, curation)
    records = [r for p in profiles for r in p.records]
    groups = [g for g in merge_records(records) if not any(r.hidden for r in g)]
    drafts = [_draft_paper(group, people) for group in groups]
    paper_ids = assign_unique(paper_slug(d.records) for d in drafts)
    person_ids = _person_ids(people)
    papers = [paper_of(d, pid, person_ids) for d, pid in zip(drafts, paper_ids, strict=True)]
    papers.sort(key=newest_first)
    persons = _persons(people, papers, person_ids)
    return Corpus.of(papers, persons, [*people.problems, *people.unmerged(curation)])


def newest_first(paper: Paper) -> tuple[int, int, int, str]:
    """By year, and within a year by the month and number of the arXiv id, which gives the year
    (papers without one come last, by id)."""
    month, number = month_and_number(paper.arxiv) if paper.arxiv else (0, 0)
    return (-(paper.year or 0), -month, -number, paper.id)


def _draft_paper(group: list[RawRecord], people: People) -> PaperDraft:
    listed = next((r for r in group if r.authors), None)
    profiled = tuple(dict.fromkeys(people.owner_of[r.file] for r in group))
    if listed is not None and listed.authors:
        return PaperDraft(group, people.sight_authors(listed), True, profiled)
    return PaperDraft(group, profiled, False, profiled)


def paper_slug(records: list[RawRecord]) -> str:
    title = next((r.title for r in records if r.title), None)
    if title:
        return slugify(title, "paper")
    arxiv = next((normalize_id(r.arxiv) for r in records if r.arxiv), None)
    if arxiv:
        return slugify(f"arxiv {arxiv}", "paper")
    abstract = next((r.abstract for r in records if r.abstract), "")
    return slugify(" ".join(abstract.split()[:8]), "paper")


def _person_ids(people: People) -> dict[Handle, str]:
    drafts = sorted(people.drafts.values(), key=lambda d: (d.first_seen, d.handle))
    slugs = [slugify(d.name.display, "person") if d.name else "unnamed" for d in drafts]
    return {d.handle: pid for d, pid in zip(drafts, assign_unique(slugs), strict=True)}


def paper_of(draft: PaperDraft, paper_id: str, person_ids: dict[Handle, str]) -> Paper:
    records = draft.records
    arxiv = next((normalize_id(r.arxiv) for r in records if r.arxiv and r.comments), None) or next(
        (normalize_id(r.arxiv) for r in records if r.arxiv), None
    )
    abstract, abstract_source = abstract_of(records)
    return Paper(
        id=paper_id,
        title=next((r.title for r in records if r.title), None),
        # two spellings of one person on a list (declared by curation, or names that differ
        # only in case, accents or punctuation) make one entry, where the first stands
        authors=tuple(dict.fromkeys(map(person_ids.__getitem__, draft.authors))),
        authors_complete=draft.authors_complete,
        abstract=abstract,
        arxiv=arxiv,
        year=year_of(arxiv) if arxiv else None,
        comments=next((r.comments for r in records if r.comments), ()),
        profiles=tuple(person_ids[h] for h in draft.profiles),
        sources=tuple(Source(r.file, r.line) for r in records),
        abstract_source=abstract_source,
    )


def abstract_of(records: Sequence[RawRecord]) -> tuple[str, Source | None]:
    """A paper's abstract (its first record's that has one, whitespace collapsed) and where it
    starts."""
    giver = next((r for r in records if r.abstract), None)
    if giver is None or giver.abstract is None:
        return "", None
    return " ".join(giver.abstract.split()), Source(giver.file, giver.abstract_line or giver.line)


def _persons(people: People, papers: list[Paper], person_ids: dict[Handle, str]) -> list[Person]:
    papers_of: dict[str, list[str]] = defaultdict(list)
    for paper in papers:
        for pid in dict.fromkeys((*paper.authors, *paper.profiles)):
            papers_of[pid].append(paper.id)
    result = [
        person_of(draft, person_ids[handle], tuple(papers_of[person_ids[handle]]))
        for handle, draft in people.drafts.items()
    ]
    result.sort(key=person_order)
    return result


def person_order(person: Person) -> tuple[str, str]:
    """Where a person stands in the model's list of people."""
    return person.sort_key, person.id


def person_of(draft: PersonDraft, pid: str, papers: tuple[str, ...]) -> Person:
    name = draft.name
    return Person(
        id=pid,
        name=name.display if name else None,
        citation_name=name.citation if name else None,
        papers=papers,
        profiles=tuple(draft.profiles),
        variants=tuple(s for s in draft.spellings if not name or s != name.display),
        sort_key=_sort_key(name, pid),
    )


def _sort_key(name: Name | None, pid: str) -> str:
    if name is None:
        return "\uffff" + pid
    return fold(f"{name.last or ''} {name.first or ''}".strip())
