"""Jinja rendering: the environment, the pages to render, and readable template errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from scholarsite.config import SiteConfig
from scholarsite.errors import BuildFailed, Problem
from scholarsite.model import Corpus, Paper, Person
from scholarsite.pages import MarkdownPage, nav_links
from scholarsite.publish import PAPER_BIBTEX, PAPER_RIS, PERSON_BIBTEX
from scholarsite.views import Spliced

NOT_FOUND = "404.html"


@dataclass(frozen=True)
class OutputPage:
    """One HTML file to render: where it goes, its template, and what its view is made from;
    ``downloads`` are the names of the files written beside it from the same view (citations)."""

    path: str
    template: str
    kind: str
    key: str = ""
    downloads: tuple[str, ...] = ()

    @cached_property  # a rebuild that reuses the page list asks again
    def files(self) -> tuple[str, ...]:
        """Every output path this page writes: the page and its downloads."""
        folder = self.path.removesuffix("index.html")
        return (self.path, *(folder + name for name in self.downloads))

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    @property
    def url(self) -> str:
        return self.path.removesuffix("index.html")


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_script(value: Any) -> Markup:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&`` and line separators are escaped."""
    text = _JSON.encode(value)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(raw, escaped)
    return Markup(text)


@jinja2.pass_context
def href(context: jinja2.runtime.Context, url: str) -> str:
    """A link from the current page to a site path: relative, and ending in ``index.html`` so
    the site also works when opened from disk."""
    target = url + "index.html" if url == "" or url.endswith("/") else url
    return str(context["root"]) + target


class FragmentCache:
    """Partials rendered once per (template, key, root) and reused: a paper's list item appears on
    the papers list and on every author's page, and is the same markup each time.

    The key is a paper's id, and the values passed are made from that paper's summary: a preview
    rebuild keeps the items of papers whose summaries did not change (see
    :func:`scholarsite.incremental.reusable_fragments`)."""

    def __init__(self) -> None:
        self.rendered: dict[tuple[str, str, str], Markup] = {}

    @jinja2.pass_context
    def __call__(
        self, context: jinja2.runtime.Context, name: str, key: str, **values: Any
    ) -> Markup:
        root = str(context["root"])
        cached = self.rendered.get((name, key, root))
        if cached is None:
            template = context.environment.get_template(name)
            cached = Markup(template.render({**context.get_all(), **values}))
            self.rendered[(name, key, root)] = cached
        return cached


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for later builds in the same process (the preview
    server's rebuilds): Jinja compiles a template again only when its source changed, which it
    checks against the checksum stored with the code."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = CompiledTemplates()


def make_environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=_COMPILED,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: templates are read once
    )
    env.filters["json_script"] = json_script
    env.globals["href"] = href
    env.globals["fragment"] = FragmentCache()
    return env


def template_problem(error: Exception, templates: Path) -> Problem:
    """A template error as ``templates/<name>:<line>: <message>``."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        name = error.name or error.filename or "?"
        return Problem(f"templates/{name}", error.lineno, f"template syntax error: {error.message}")
    line, name = _template_frame(error, templates)
    if isinstance(error, jinja2.TemplateNotFound):
        if name == "?":  # a page's own template
            return Problem(f"templates/{error.name}", 0, f"template not found in {templates}")
        message = f"template {error.name!r} not found in {templates}"
        return Problem(f"templates/{name}", line, message)
    return Problem(f"templates/{name}", line, f"template error: {error}")


def _template_frame(error: Exception, templates: Path) -> tuple[int, str]:
    """The innermost template line in the traceback (Jinja maps compiled code to template
    lines), and that template's name."""
    tb = error.__traceback__
    found = (0, "?")
    while tb is not None:
        frame = tb.tb_frame
        filename = frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml"):
            path = Path(filename)
            inside = path.is_relative_to(templates)
            found = (tb.tb_lineno, path.relative_to(templates).as_posix() if inside else path.name)
        tb = tb.tb_next
    return found


class Renderer:
    """Renders OutputPages with shared globals (site config, the navigation's links)."""

    def __init__(self, templates: Path, config: SiteConfig, markdown: list[MarkdownPage]) -> None:
        self.templates = templates
        self.env = make_environment(templates)
        self.env.globals.update(site=config, nav=nav_links(markdown))
        self.config = config

    @property
    def fragments(self) -> FragmentCache:
        cache = self.env.globals["fragment"]
        assert isinstance(cache, FragmentCache)
        return cache

    def root_of(self, page: OutputPage) -> str:
        """Relative prefix to the site root; ``404.html`` is served at any depth, so it links from
        the published path (``/repo/``) instead."""
        if page.path == NOT_FOUND:
            return urlsplit(self.config.base_url).path or "/"
        return page.root

    def canonical(self, page: OutputPage) -> str | None:
        if not self.config.base_url or page.path == NOT_FOUND:
            return None
        return self.config.base_url + page.url

    def render(
        self, page: OutputPage, context: dict[str, Any], splices: Sequence[Spliced] = ()
    ) -> bytes:
        """The page's bytes; each of ``splices`` is put where its placeholder was rendered."""
        try:
            template = self.env.get_template(page.template)
            html = template.render(
                root=self.root_of(page),
                page_url=page.url,
                canonical=self.canonical(page),
                **context,
            )
        except jinja2.TemplateError as error:
            raise BuildFailed([template_problem(error, self.templates)]) from None
        except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError) as error:
            raise BuildFailed([template_problem(error, self.templates)]) from None
        data = html.encode("utf-8")
        for placeholder, spliced in splices:
            data = data.replace(placeholder.encode(), spliced)
        return data


def _downloads_of(person: Person) -> tuple[str, ...]:
    return (PERSON_BIBTEX,) if person.papers else ()


def site_pages(corpus: Corpus, markdown: list[MarkdownPage]) -> list[OutputPage]:
    """Every HTML page of the site, in a fixed order."""
    return [
        *_fixed_pages(markdown),
        *map(_paper_page, corpus.papers),
        *map(_person_page, corpus.people),
    ]


def pages_at(
    paths: frozenset[str], corpus: Corpus, markdown: list[MarkdownPage]
) -> list[OutputPage]:
    """The pages of the site found at some of these output paths, as :func:`site_pages` has them
    (without making every page)."""
    found = [page for page in _fixed_pages(markdown) if page.path in paths]
    for path in sorted(paths):
        folder, _, rest = path.partition("/")
        key = rest.removesuffix("/index.html")
        if folder == "papers" and (paper := corpus.papers_by_id.get(key)) is not None:
            found.append(_paper_page(paper))
        elif folder == "authors" and (person := corpus.people_by_id.get(key)) is not None:
            found.append(_person_page(person))
    return [page for page in found if page.path in paths]


def _fixed_pages(markdown: list[MarkdownPage]) -> list[OutputPage]:
    return [
        OutputPage("index.html", "home.html", "home"),
        OutputPage("papers/index.html", "papers.html", "papers"),
        OutputPage("authors/index.html", "authors.html", "authors"),
        OutputPage("search/index.html", "search.html", "search"),
        OutputPage(NOT_FOUND, "404.html", "404"),
        *(
            OutputPage(f"{p.name}/index.html", "page.html", "page", p.name)
            for p in markdown
            if p.name != "index"
        ),
    ]


def _paper_page(paper: Paper) -> OutputPage:
    return OutputPage(
        f"{paper.url}index.html", "paper.html", "paper", paper.id, (PAPER_BIBTEX, PAPER_RIS)
    )


def _person_page(person: Person) -> OutputPage:
    return OutputPage(
        f"{person.url}index.html", "author.html", "person", person.id, _downloads_of(person)
    )
