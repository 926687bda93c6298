"""View objects: the small, explicit values templates see (never the model itself)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from scholarsite.cite import bibtex_entry
from scholarsite.model import Corpus, Paper, Person
from scholarsite.text import abstract_plain_text, render_abstract

LEAD_WORDS = 24


@dataclass(frozen=True)
class PersonRef:
    id: str
    name: str
    url: str
    unnamed: bool
    citation: str


@dataclass(frozen=True)
class PaperSummary:
    id: str
    url: str
    title: str
    untitled: bool
    year: int | None
    arxiv: str | None
    authors: tuple[PersonRef, ...]
    author_count: int
    authors_complete: bool


@dataclass(frozen=True)
class ProfileRef:
    file: str
    owner: PersonRef


@dataclass(frozen=True)
class PaperView:
    summary: PaperSummary
    authors: tuple[PersonRef, ...]
    abstract_html: str
    description: str
    comments: tuple[str, ...]
    profiles: tuple[ProfileRef, ...]
    sources: tuple[str, ...]
    bibtex: str
    bibtex_key: str
    abs_url: str | None
    pdf_url: str | None


@dataclass(frozen=True)
class YearBar:
    year: int
    count: int
    x: int
    height: int


@dataclass(frozen=True)
class PersonView:
    ref: PersonRef
    citation_name: str | None
    papers_by_year: tuple[tuple[int | None, tuple[PaperSummary, ...]], ...]
    paper_count: int
    coauthors: tuple[tuple[PersonRef, int], ...]
    profiles: tuple[str, ...]
    variants: tuple[str, ...]
    chart: tuple[YearBar, ...]
    chart_max: int


def person_ref(person: Person) -> PersonRef:
    name = person.name or "Unnamed profile"
    return PersonRef(person.id, name, person.url, person.name is None, person.citation_name or name)


def lead(abstract: str) -> str:
    """The first words of the abstract, as plain text, for untitled papers and descriptions."""
    words = abstract_plain_text(abstract).split()
    text = " ".join(words[:LEAD_WORDS])
    return text + ("…" if len(words) > LEAD_WORDS else "")


def paper_summary(paper: Paper, corpus: Corpus, shown: int = 3) -> PaperSummary:
    refs = _author_refs(paper, corpus)
    return PaperSummary(
        id=paper.id,
        url=paper.url,
        title=paper.title or lead(paper.abstract),
        untitled=paper.title is None,
        year=paper.year,
        arxiv=paper.arxiv,
        authors=refs[:shown],
        author_count=len(refs),
        authors_complete=paper.authors_complete,
    )


def _author_refs(paper: Paper, corpus: Corpus) -> tuple[PersonRef, ...]:
    return tuple(person_ref(corpus.people_by_id[pid]) for pid in paper.authors)


def paper_view(
    paper: Paper, corpus: Corpus, key: str, page_url: str | None
) -> tuple[PaperView, tuple[str, ...]]:
    """The paper page's view and the problems met rendering its abstract."""
    rendered = render_abstract(paper.abstract)
    owners = [person_ref(corpus.people_by_id[pid]) for pid in paper.profiles]
    files = sorted({s.file for s in paper.sources})
    profiles = []
    for ref in owners:
        person = corpus.people_by_id[ref.id]
        profiles += [ProfileRef(f, ref) for f in person.profiles if f in files]
    view = PaperView(
        summary=paper_summary(paper, corpus),
        authors=_author_refs(paper, corpus),
        abstract_html=rendered.html,
        description=lead(paper.abstract),
        comments=paper.comments,
        profiles=tuple(sorted(set(profiles), key=lambda p: p.file)),
        sources=tuple(f"{s.file}:{s.line}" for s in paper.sources),
        bibtex=bibtex_entry(paper, corpus, key, page_url),
        bibtex_key=key,
        abs_url=f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None,
        pdf_url=f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else None,
    )
    return view, rendered.problems


def person_view(person: Person, corpus: Corpus) -> PersonView:
    by_year: dict[int | None, list[PaperSummary]] = defaultdict(list)
    for pid in person.papers:
        paper = corpus.papers_by_id[pid]
        by_year[paper.year].append(paper_summary(paper, corpus))
    years = sorted(by_year, key=lambda y: -(y or 0))
    counts: Counter[int | None] = Counter({y: len(by_year[y]) for y in years if y is not None})
    return PersonView(
        ref=person_ref(person),
        citation_name=person.citation_name,
        papers_by_year=tuple((y, tuple(by_year[y])) for y in years),
        paper_count=len(person.papers),
        coauthors=tuple((person_ref(corpus.people_by_id[pid]), n) for pid, n in person.coauthors),
        profiles=person.profiles,
        variants=person.variants,
        chart=_chart(counts),
        chart_max=max(counts.values(), default=0),
    )


CHART_BAR = 14
CHART_HEIGHT = 40


def _chart(counts: Counter[int | None]) -> tuple[YearBar, ...]:
    """Bars for every year from the first to the last (empty years included), oldest left."""
    years = [y for y in counts if y is not None]
    if not years:
        return ()
    top = max(counts.values())
    first, last = min(years), max(years)
    return tuple(
        YearBar(
            y,
            counts.get(y, 0),
            (y - first) * CHART_BAR,
            round(CHART_HEIGHT * counts.get(y, 0) / top),
        )
        for y in range(first, last + 1)
    )


@dataclass(frozen=True)
class LetterGroup:
    label: str
    anchor: str
    people: tuple[tuple[PersonRef, int], ...]


def letter_groups(people: list[Person]) -> tuple[LetterGroup, ...]:
    """People in A–Z order (they arrive sorted by family name), grouped by initial; others last."""
    groups: dict[str, list[tuple[PersonRef, int]]] = defaultdict(list)
    for person in people:
        initial = person.sort_key[:1].upper()
        label = initial if "A" <= initial <= "Z" else ("Unnamed" if person.name is None else "#")
        groups[label].append((person_ref(person), len(person.papers)))
    order = sorted(groups, key=lambda g: (g in ("#", "Unnamed"), g == "Unnamed", g))
    return tuple(
        LetterGroup(label, label.lower() if label != "#" else "other", tuple(groups[label]))
        for label in order
    )
