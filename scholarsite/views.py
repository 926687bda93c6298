"""View objects: the small, explicit values templates see (never the model itself).

``SiteViews`` builds each person's reference and each paper's summary once; pages are made of
those shared pieces, so a person listed on a thousand pages costs one object, not a thousand.
"""

from __future__ import annotations

import functools
import secrets
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from scholarsite.cite import bibtex_entry, citation_keys, ris_entry
from scholarsite.coauthors import CoauthorIndex, Coauthors, Run
from scholarsite.config import SiteConfig
from scholarsite.jsonld import JsonObject, link_maker, profile_page, scholarly_article
from scholarsite.model import Corpus, Paper, Person
from scholarsite.pages import MarkdownPage
from scholarsite.text import abstract_plain_text, render_abstract

PAGE_ROOT = "../../"  # from a paper's or a person's page (papers/<id>/, authors/<id>/)
LEAD_WORDS = 24
SUMMARY_AUTHORS = 3
CHART_BAR = 14
CHART_HEIGHT = 40


# Tuples: a rebuild compares every summary with the last build's, and tuples compare in C.
class PersonRef(NamedTuple):
    id: str
    name: str
    url: str
    unnamed: bool
    citation: str


class PaperSummary(NamedTuple):
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
    abstract_text: str
    description: str
    comments: tuple[str, ...]
    profiles: tuple[ProfileRef, ...]
    sources: tuple[str, ...]
    bibtex: str
    bibtex_key: str
    ris: str
    abs_url: str | None
    pdf_url: str | None
    jsonld: JsonObject


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
    coauthor_count: int
    coauthors_top: Markup
    coauthors_rest: Markup  # a placeholder for ``splices`` when there are more
    profiles: tuple[str, ...]
    variants: tuple[str, ...]
    chart: tuple[YearBar, ...]
    chart_max: int
    jsonld: JsonObject
    splices: tuple[Spliced, ...] = ()


@dataclass(frozen=True)
class LetterGroup:
    label: str
    anchor: str
    people: tuple[tuple[PersonRef, int], ...]


def person_ref(person: Person) -> PersonRef:
    name = person.name or "Unnamed profile"
    return PersonRef(person.id, name, person.url, person.name is None, person.citation_name or name)


def lead(abstract: str) -> str:
    """The first words of the abstract, as plain text, for untitled papers and descriptions."""
    words = abstract_plain_text(abstract).split()
    text = " ".join(words[:LEAD_WORDS])
    return text + ("…" if len(words) > LEAD_WORDS else "")


_COUNT = Markup(' <span class="count">{}</span></li>')  # the list's note says what it counts


def _person_item(ref: PersonRef, root: str) -> str:
    """The escaped start of a person's ``<li>`` link, up to where the count goes (joined here
    rather than by ``Markup.format``, several times slower for a list of hundreds)."""
    unnamed = ' class="unnamed"' if ref.unnamed else ""
    href = f"{escape(root)}{escape(ref.url)}index.html"
    return f'<li><a href="{href}"{unnamed}>{escape(ref.name)}</a>'


@functools.cache
def _count(n: int) -> str:
    return str(_COUNT.format(n))


class Spliced(NamedTuple):
    """Markup kept as UTF-8 bytes, and the placeholder that stands for it in the template's
    output until :meth:`scholarsite.render.Renderer.render` puts the bytes in its place: a list
    made of thousands of cached pieces is joined as bytes, never decoded and encoded again."""

    placeholder: Markup
    data: bytes


_SPLICE_NONCE = secrets.token_hex(8)  # no text from the corpus or curation can guess it


def spliced(name: str, data: bytes) -> Spliced:
    return Spliced(Markup(f"\x00{name}-{_SPLICE_NONCE}\x00"), data)


class _Links(dict[str, bytes]):
    """Each person's escaped ``<li>`` start (``end`` appended) in UTF-8, made the first time it
    is asked."""

    def __init__(self, refs: Mapping[str, PersonRef], root: str, end: str = "") -> None:
        super().__init__()
        self.refs = refs
        self.root = root
        self.end = end

    def __missing__(self, pid: str) -> bytes:
        item = self[pid] = (_person_item(self.refs[pid], self.root) + self.end).encode()
        return item


class CountedLinks:
    """A person's co-authors as ``<li>`` links with counts, made of each person's escaped link
    made once: author pages list hundreds of co-authors, the one list too long to loop over in
    a template at scale. A run of a long author list is sliced out of that list's items, joined
    once per paper; other co-authors sharing one paper are joined in C, item by cached item;
    all of it as UTF-8 bytes."""

    def __init__(self, index: CoauthorIndex, refs: Mapping[str, PersonRef], root: str) -> None:
        self.index = index
        self.links = _Links(refs, root)
        self.shared_once = _Links(refs, root, _count(1))
        self.runs: dict[str, tuple[bytes, list[int]]] = {}

    def __call__(self, coauthors: Coauthors, shown: int) -> tuple[bytes, bytes]:
        """The first ``shown`` co-authors, and the others."""
        top = [self._counted(coauthors.shared[:shown])]
        rest = [self._counted(coauthors.shared[shown:])]
        room = max(0, shown - len(coauthors.shared))
        for piece in coauthors.once:
            if isinstance(piece, Run):
                items, offsets = self._run_items(piece.paper)
                for start, end in piece.positions():
                    cut = min(end, start + room)
                    top.append(items[offsets[start] : offsets[cut]])
                    rest.append(items[offsets[cut] : offsets[end]])
                    room -= cut - start
            else:
                top.append(b"".join(map(self.shared_once.__getitem__, piece[:room])))
                rest.append(b"".join(map(self.shared_once.__getitem__, piece[room:])))
                room -= min(room, len(piece))
        return b"".join(top), b"".join(rest)

    def _counted(self, people: Sequence[tuple[str, int]]) -> bytes:
        return b"".join(self.links[pid] + _count(count).encode() for pid, count in people)

    def _run_items(self, paper_id: str) -> tuple[bytes, list[int]]:
        """A long paper's authors as items sharing one paper, and where each item starts."""
        found = self.runs.get(paper_id)
        if found is None:
            items = list(map(self.shared_once.__getitem__, self.index.authors_once(paper_id)))
            found = self.runs[paper_id] = (b"".join(items), [0, *accumulate(map(len, items))])
        return found


def paper_summary(paper: Paper, refs: Mapping[str, PersonRef]) -> PaperSummary:
    return PaperSummary(
        id=paper.id,
        url=paper.url,
        title=paper.title or lead(paper.abstract),
        untitled=paper.title is None,
        year=paper.year,
        arxiv=paper.arxiv,
        authors=tuple(refs[pid] for pid in paper.authors[:SUMMARY_AUTHORS]),
        author_count=len(paper.authors),
        authors_complete=paper.authors_complete,
    )


class ViewTables(NamedTuple):
    """What many pages look up: each person's link, each paper's summary (in list order) and
    each paper's citation key."""

    refs: Mapping[str, PersonRef]
    summaries: Mapping[str, PaperSummary]
    keys: Mapping[str, str]


def view_tables(corpus: Corpus, last: tuple[Corpus, ViewTables] | None = None) -> ViewTables:
    """The tables of ``corpus``. ``last``: an earlier model and its tables; a person or paper
    that is the very same object there (a model updated in place keeps what did not change)
    keeps its reference or summary, when the references that summary shows are kept too."""
    if last is None:
        refs = {p.id: person_ref(p) for p in corpus.people}
        summaries = {p.id: paper_summary(p, refs) for p in corpus.papers}
        return ViewTables(refs, summaries, citation_keys(corpus))
    before, old = last
    people, papers = before.people_by_id, before.papers_by_id
    fresh = {p.id for p in corpus.people if people.get(p.id) is not p}
    refs = {p.id: person_ref(p) if p.id in fresh else old.refs[p.id] for p in corpus.people}
    summaries = {
        p.id: old.summaries[p.id]
        if papers.get(p.id) is p and (not fresh or fresh.isdisjoint(p.authors[:SUMMARY_AUTHORS]))
        else paper_summary(p, refs)
        for p in corpus.papers
    }
    return ViewTables(refs, summaries, citation_keys(corpus))


class SiteViews:
    """Every view of one site, built lazily and shared between pages."""

    COAUTHORS_SHOWN = 24

    def __init__(
        self,
        corpus: Corpus,
        config: SiteConfig,
        pages: list[MarkdownPage],
        tables: ViewTables | None = None,
    ) -> None:
        """``tables``: those of ``corpus`` made already (:func:`view_tables`), or those of a
        model that differs from it only in abstracts (which none of them shows)."""
        self.corpus = corpus
        self.config = config
        self.pages = pages
        self.tables = tables = view_tables(corpus) if tables is None else tables
        self.refs, self.summaries, self.keys = tables
        self.coauthors = CoauthorIndex(corpus)
        self._counted_links: dict[str, CountedLinks] = {}
        self._bibtex: dict[str, bytes] = {}

    def page_url(self, path: str) -> str | None:
        return self.config.base_url + path if self.config.base_url else None

    def bibtex(self, paper_id: str) -> bytes:
        """A paper's BibTeX entry in UTF-8 (made once: it is on the paper's page and in the
        BibTeX file of each of its authors)."""
        entry = self._bibtex.get(paper_id)
        if entry is None:
            paper = self.corpus.papers_by_id[paper_id]
            text = bibtex_entry(paper, self.corpus, self.keys[paper_id], self.page_url(paper.url))
            entry = self._bibtex[paper_id] = text.encode()
        return entry

    def paper(self, paper: Paper) -> tuple[PaperView, tuple[str, ...]]:
        """The paper page's view and the problems met rendering its abstract."""
        rendered = render_abstract(paper.abstract)
        files = {s.file for s in paper.sources}
        profiles = {
            ProfileRef(f, self.refs[pid])
            for pid in paper.profiles
            for f in self.corpus.people_by_id[pid].profiles
            if f in files
        }
        url = self.page_url(paper.url)
        authors = tuple(self.refs[pid] for pid in paper.authors)
        abstract = abstract_plain_text(paper.abstract)
        description = lead(paper.abstract)
        abs_url = f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else None
        link = link_maker(self.config.base_url, PAGE_ROOT)
        view = PaperView(
            summary=self.summaries[paper.id],
            authors=authors,
            abstract_html=rendered.html,
            abstract_text=abstract,
            description=description,
            comments=paper.comments,
            profiles=tuple(sorted(profiles, key=lambda p: p.file)),
            sources=tuple(f"{s.file}:{s.line}" for s in paper.sources),
            bibtex=self.bibtex(paper.id).decode(),
            bibtex_key=self.keys[paper.id],
            ris=ris_entry(paper, self.corpus, url),
            abs_url=abs_url,
            pdf_url=f"https://arxiv.org/pdf/{paper.arxiv}" if paper.arxiv else None,
            jsonld=scholarly_article(
                url=link(paper.url),
                title=paper.title,
                authors=[(a.name, link(a.url)) for a in authors if not a.unnamed],
                description=description,
                abstract=abstract,
                year=paper.year,
                arxiv=paper.arxiv,
                abs_url=abs_url,
                authors_complete=paper.authors_complete,
            ),
        )
        return view, rendered.problems

    def person(self, person: Person, root: str = PAGE_ROOT) -> PersonView:
        by_year: dict[int | None, list[PaperSummary]] = defaultdict(list)
        for pid in person.papers:
            summary = self.summaries[pid]
            by_year[summary.year].append(summary)
        years = sorted(by_year, key=lambda y: -(y or 0))
        counts: Counter[int] = Counter({y: len(by_year[y]) for y in years if y is not None})
        coauthors = self.coauthors.of(person)
        if root not in self._counted_links:
            self._counted_links[root] = CountedLinks(self.coauthors, self.refs, root)
        top, rest = self._counted_links[root](coauthors, self.COAUTHORS_SHOWN)
        rest_spliced = spliced("coauthors", rest)
        return PersonView(
            ref=self.refs[person.id],
            citation_name=person.citation_name,
            papers_by_year=tuple((y, tuple(by_year[y])) for y in years),
            paper_count=len(person.papers),
            coauthor_count=coauthors.count,
            coauthors_top=Markup(top.decode()),
            coauthors_rest=rest_spliced.placeholder if rest else Markup(""),
            profiles=person.profiles,
            variants=person.variants,
            chart=_chart(counts),
            chart_max=max(counts.values(), default=0),
            jsonld=profile_page(
                url=link_maker(self.config.base_url, root)(person.url),
                name=person.name,
                variants=person.variants,
                citation_name=person.citation_name,
            ),
            splices=(rest_spliced,) if rest else (),
        )

    def home(self) -> dict[str, Any]:
        owners = [
            (self.refs[p.id], len(p.papers), p.profiles) for p in self.corpus.people if p.profiles
        ]
        intro = next((p for p in self.pages if p.name == "index"), None)
        summaries = list(self.summaries.values())
        return {
            "intro": intro,
            "profiles": sorted(owners, key=lambda o: o[2]),
            "recent": summaries[: self.config.recent_papers],
            "paper_count": len(summaries),
            "author_count": len(self.corpus.people),
        }

    def papers(self) -> dict[str, Any]:
        by_year: dict[int | None, list[PaperSummary]] = {}
        for summary in self.summaries.values():  # newest first, undated last
            by_year.setdefault(summary.year, []).append(summary)
        return {"papers": list(self.summaries.values()), "groups": list(by_year.items())}

    def authors(self) -> dict[str, Any]:
        return {"people": self.corpus.people, "letters": self.letter_groups()}

    def letter_groups(self) -> tuple[LetterGroup, ...]:
        """People A–Z (they arrive sorted by family name), grouped by initial; others last."""
        groups: dict[str, list[tuple[PersonRef, int]]] = defaultdict(list)
        for person in self.corpus.people:
            initial = person.sort_key[:1].upper()
            label = (
                initial if "A" <= initial <= "Z" else ("Unnamed" if person.name is None else "#")
            )
            groups[label].append((self.refs[person.id], len(person.papers)))
        order = sorted(groups, key=lambda g: (g in ("#", "Unnamed"), g == "Unnamed", g))
        return tuple(
            LetterGroup(label, label.lower() if label != "#" else "other", tuple(groups[label]))
            for label in order
        )


def _chart(counts: Counter[int]) -> tuple[YearBar, ...]:
    """Bars for every year from the first to the last (empty years included), oldest left."""
    if not counts:
        return ()
    top = max(counts.values())
    first, last = min(counts), max(counts)
    return tuple(
        YearBar(y, counts[y], (y - first) * CHART_BAR, round(CHART_HEIGHT * counts[y] / top))
        for y in range(first, last + 1)
    )


__all__ = ["CountedLinks", "SiteViews", "lead", "person_ref"]
