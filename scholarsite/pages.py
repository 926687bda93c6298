"""Markdown pages (``site_src/pages/*.md``) with optional YAML front matter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scholarsite.errors import BuildFailed, Problem
from scholarsite.text import render_page
from scholarsite.yamlfile import LineDict, parse_yaml, unknown_keys

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
RESERVED = frozenset({"papers", "authors", "search", "static", "404", "corpus", "feed", "sitemap"})
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_KEYS = ("title", "description", "nav", "order")


@dataclass(frozen=True)
class MarkdownPage:
    name: str
    source: str
    title: str
    description: str
    html: str
    in_nav: bool
    order: int

    @property
    def url(self) -> str:
        return "" if self.name == "index" else f"{self.name}/"


@dataclass(frozen=True)
class NavLink:
    """A Markdown page as the navigation on every page shows it (the template value ``nav``)."""

    title: str
    url: str


def nav_links(pages: Iterable[MarkdownPage]) -> tuple[NavLink, ...]:
    """The navigation's links to Markdown pages: those in it, in their order."""
    return tuple(NavLink(page.title, page.url) for page in pages if page.in_nav)


def read_pages(source: Path) -> tuple[list[MarkdownPage], list[Problem]]:
    folder = source / "pages"
    if not folder.is_dir():
        return [], []
    pages, problems, errors = [], [], []
    root = source.resolve()
    for path in sorted(folder.glob("*.md")):
        rel = f"pages/{path.name}"
        name = path.stem
        if not path.resolve().is_relative_to(root):
            errors.append(
                Problem(rel, 0, "is a link to a file outside the site source; copy it in")
            )
            continue
        if name in RESERVED or not _NAME.fullmatch(name):
            errors.append(
                Problem(
                    rel,
                    1,
                    f"a page cannot be named {name!r} (reserved or not a lowercase "
                    "slug); rename the file",
                )
            )
            continue
        page, found = read_page(path.read_text(encoding="utf-8-sig", errors="replace"), name, rel)
        pages.append(page)
        problems += found
    if errors:
        raise BuildFailed(errors)
    return sorted(pages, key=lambda p: (p.order, p.name)), problems


def read_page(text: str, name: str, rel: str) -> tuple[MarkdownPage, list[Problem]]:
    text = text.replace("\r\n", "\n")
    meta: dict[str, object] = {}
    problems: list[Problem] = []
    body_line = 0
    match = _FRONT_MATTER.match(text)
    if match:
        data = parse_yaml(match.group(1), rel)
        body_line = match.group(0).count("\n")
        if isinstance(data, LineDict):
            meta = dict(data)
            problems += [
                Problem(rel, p.line + 1, p.message) for p in unknown_keys(data, _KEYS, rel)
            ]
        elif data is not None:
            problems.append(Problem(rel, 2, "front matter must be a mapping (title: …)"))
        text = text[match.end() :]
    rendered = render_page(text)
    problems += [Problem(rel, body_line + 1, message) for message in rendered.problems]
    title = str(meta.get("title") or _first_heading(text) or name.replace("-", " ").title())
    order = meta.get("order", 100)
    return (
        MarkdownPage(
            name=name,
            source=rel,
            title=title,
            description=str(meta.get("description") or ""),
            html=rendered.html,
            in_nav=bool(meta.get("nav", name != "index")),
            order=order if isinstance(order, int) else 100,
        ),
        problems,
    )


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return match.group(1) if match else None
