"""Which pages a rebuild must render again, from what changed since the last build.

A page is rendered again when something it shows changed: its paper or person, the names and
urls it links to, the paper summaries it lists (for a person, any of their papers: their BibTeX
file is written with the page), or a template it is made from (followed through ``extends``,
``include``, ``import`` and ``fragment`` calls). The other pages (search, 404, Markdown pages)
change only with the config, the Markdown pages or their templates.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import jinja2
from jinja2 import meta
from markupsafe import Markup

from scholarsite.config import SiteConfig
from scholarsite.errors import Problem
from scholarsite.model import Corpus
from scholarsite.modelupdate import ModelSource
from scholarsite.pages import MarkdownPage, nav_links
from scholarsite.render import OutputPage
from scholarsite.views import SiteViews, ViewTables

_FRAGMENT = re.compile(r"""fragment\(\s*["']([^"']+)["']""")
_PARSER = jinja2.Environment()  # parsing alone: the site's settings change no syntax


@dataclass(frozen=True)
class Product:
    """Files made from some inputs (the search index, the publishing files, the export): the
    paths they were written to. Their bytes are not kept: a later build whose inputs are equal
    keeps the files in place (or makes them again, if one is missing)."""

    inputs: object
    paths: tuple[str, ...]


@dataclass(frozen=True)
class SiteState:
    """What one build leaves behind for the next one to compare with."""

    corpus: Corpus
    tables: ViewTables
    config: SiteConfig
    markdown: tuple[MarkdownPage, ...]
    templates: Mapping[str, str]
    page_problems: Mapping[str, tuple[Problem, ...]]
    products: Mapping[str, Product]
    fragments: Mapping[tuple[str, str, str], Markup] = field(default_factory=dict)
    model: ModelSource | None = None  # kept by the preview server, whose parse cache matches
    pages: tuple[OutputPage, ...] = ()
    abstract_texts: Mapping[str, str] = field(default_factory=dict)  # for the search index

    @classmethod
    def of(
        cls,
        views: SiteViews,
        templates: Path,
        model: ModelSource | None = None,
        pages: tuple[OutputPage, ...] = (),
    ) -> SiteState:
        return cls(
            views.corpus,
            views.tables,
            views.config,
            tuple(views.pages),
            template_digests(templates),
            {},
            {},
            model=model,
            pages=pages,
        )


def template_digests(templates: Path) -> dict[str, str]:
    """Every template file by name, with a digest of its bytes."""
    return {
        path.relative_to(templates).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(templates.rglob("*"))
        if path.is_file() and not path.name.startswith(".") and "__pycache__" not in path.parts
    }


def template_dependencies(env: jinja2.Environment, name: str) -> set[str]:
    """``name`` and every template it pulls in, transitively."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        loader = env.loader
        assert loader is not None
        todo += referenced_templates(loader.get_source(env, current)[0])
    return seen


@functools.lru_cache(maxsize=256)
def referenced_templates(source: str) -> frozenset[str]:
    """The templates one template's source names (parsed once per source: rebuilds ask again)."""
    found = set(meta.find_referenced_templates(_PARSER.parse(source))) | set(
        _FRAGMENT.findall(source)
    )
    return frozenset(t for t in found if t)


def _changed(old: Mapping[str, object], new: Mapping[str, object]) -> set[str]:
    """Keys whose value differs between two mappings (added and removed keys included). A model
    updated in place keeps its unchanged objects: the same object needs no comparing."""
    return {
        key
        for key in old.keys() | new.keys()
        if (before := old.get(key)) is not (after := new.get(key)) and before != after
    }


def reusable_fragments(old: SiteState, new: SiteState) -> dict[tuple[str, str, str], Markup]:
    """The last build's rendered list items that are still right: those of papers whose summary
    is unchanged, when the config, the Markdown pages and every template are unchanged."""
    if not _same_site(old, new) or old.templates != new.templates:
        return {}
    return {
        key: html
        for key, html in old.fragments.items()
        if key[1] in new.tables.summaries
        and old.tables.summaries.get(key[1]) == new.tables.summaries[key[1]]
    }


def rebased_products(old: SiteState, corpus: Corpus) -> dict[str, Product]:
    """The last build's products, for comparing with this build's without holding the last
    model: each is made from the papers and people first, and where those are equal to
    ``corpus``'s, its inputs now hold ``corpus``'s instead (equal, so every comparison comes
    out the same); where they differ, its inputs are None."""
    model = (corpus.papers, corpus.people)
    return {
        name: replace(product, inputs=_rebased(product.inputs, model))
        for name, product in old.products.items()
    }


def _rebased(inputs: object, model: tuple[object, ...]) -> object:
    if isinstance(inputs, tuple) and inputs[: len(model)] == model:
        return model + inputs[len(model) :]
    return None  # a build's inputs are a tuple: equal to none


def _listed(corpus: Corpus, pid: str) -> tuple[int, tuple[str, ...], str] | None:
    """What the lists of people show of one person beyond the reference (name and link)."""
    person = corpus.people_by_id.get(pid)
    return None if person is None else (len(person.papers), person.profiles, person.sort_key)


def _same_site(old: SiteState, new: SiteState) -> bool:
    """The config and the navigation (every page shows them) unchanged."""
    return old.config == new.config and nav_links(old.markdown) == nav_links(new.markdown)


def _markdown_shown(old: SiteState, new: SiteState) -> set[str]:
    """The output paths of the pages that show a changed (or new) Markdown page beyond the
    navigation: its own page, and the home page for ``index.md`` (its introduction)."""
    before = {page.name: page for page in old.markdown}
    changed = _changed(before, {page.name: page for page in new.markdown})
    return {"index.html" if name == "index" else f"{name}/index.html" for name in changed}


def _cited(corpus: Corpus) -> dict[str, object]:
    return {p.id: (p.title, p.authors, p.authors_complete, p.year, p.arxiv) for p in corpus.papers}


def moved_pages(before: Corpus, after: Corpus) -> dict[str, str]:
    """The pages of papers that moved to a new id (a new title), old output path → new: a paper
    gone and a paper new that start at the same record."""
    if before.papers_by_id.keys() == after.papers_by_id.keys():
        return {}  # no paper's id changed
    gone = {p.sources[0]: p for p in before.papers if p.sources and p.id not in after.papers_by_id}
    return {
        f"{old.url}index.html": f"{new.url}index.html"
        for new in after.papers
        if new.sources and new.id not in before.papers_by_id
        if (old := gone.get(new.sources[0])) is not None
    }


def pages_to_render(
    old: SiteState,
    new: SiteState,
    pages: list[OutputPage],
    env: jinja2.Environment,
    new_abstracts: frozenset[str] | None = None,
) -> list[OutputPage]:
    """The pages whose output may differ from the last build's. ``new_abstracts``: the papers
    whose abstract is all that changed in the model (:mod:`scholarsite.modelupdate`); only their
    own pages show it (and the RIS file beside them)."""
    if not _same_site(old, new):
        return pages
    shown = _markdown_shown(old, new)
    if new_abstracts is not None and old.templates == new.templates:
        return [
            page
            for page in pages
            if page.path in shown or (page.kind == "paper" and page.key in new_abstracts)
        ]
    templates = _changed(old.templates, new.templates)
    try:
        deps = {t: template_dependencies(env, t) for t in {p.template for p in pages}}
    except jinja2.TemplateError:
        return pages  # a broken template: rendering the pages reports it, with its line
    corpus, before = new.corpus, old.corpus
    keys = _changed(old.tables.keys, new.tables.keys)
    papers = _changed(before.papers_by_id, corpus.papers_by_id) | keys
    people = _changed(before.people_by_id, corpus.people_by_id)
    refs = _changed(old.tables.refs, new.tables.refs)
    summaries = _changed(old.tables.summaries, new.tables.summaries)
    authors = {paper.id: paper.authors for paper in corpus.papers}
    # What a person's page shows of their papers beyond the summaries: every author (co-author
    # counts) and what their BibTeX file cites.
    cited = _changed(_cited(before), _cited(corpus)) | keys
    # The list pages show papers and people in order: an order change alone changes them too.
    paper_list = bool(summaries) or list(old.tables.summaries) != list(new.tables.summaries)
    # They show a person's name, paper count, profiles and initial: not which papers.
    listed = {pid for pid in people if _listed(before, pid) != _listed(corpus, pid)}
    people_list = bool(listed or refs) or list(before.people_by_id) != list(corpus.people_by_id)
    lists = {"papers": paper_list, "authors": people_list, "home": paper_list or people_list}
    result = []
    for page in pages:
        if deps[page.template] & templates or page.path in shown:
            result.append(page)
        elif page.kind == "paper":
            paper = corpus.papers_by_id[page.key]
            if (
                page.key in papers
                or not refs.isdisjoint(paper.authors)
                or not refs.isdisjoint(paper.profiles)
                or not people.isdisjoint(paper.profiles)
            ):
                result.append(page)
        elif page.kind == "person":
            person = corpus.people_by_id[page.key]
            if (
                page.key in people
                or page.key in refs
                or not summaries.isdisjoint(person.papers)
                or not cited.isdisjoint(person.papers)
                or (refs and any(not refs.isdisjoint(authors[p]) for p in person.papers))
            ):
                result.append(page)
        elif lists.get(page.kind, False):
            result.append(page)
    return result
