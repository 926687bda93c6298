"""Markdown pages (``site_src/pages/*.md``) with optional YAML front matter."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from scholarsite.corpus.decode import CONTROL
from scholarsite.errors import BuildFailed, Problem, SourceError
from scholarsite.text import render_page
from scholarsite.yamlfile import LineDict, parse_yaml, read_text, unknown_keys

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_OPENED = re.compile(r"\A---[ \t]*\n")
RESERVED = frozenset({"papers", "authors", "search", "static", "404", "corpus", "feed", "sitemap"})
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_KEYS = ("title", "description", "nav", "order")
T = TypeVar("T")


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
        try:
            page, found = read_page(read_text(path, rel), name, rel)
        except SourceError as error:
            errors.append(error.problem)
            continue
        pages.append(page)
        problems += found
    if errors:
        raise BuildFailed(errors)
    return sorted(pages, key=lambda p: (p.order, p.name)), problems


def read_page(text: str, name: str, rel: str) -> tuple[MarkdownPage, list[Problem]]:
    """A page from its file's text; front matter that cannot be used is a SourceError."""
    text = text.replace("\r\n", "\n")
    if found := CONTROL.search(text):
        line = text.count("\n", 0, found.start()) + 1
        character = f"U+{ord(found.group()):04X}"
        raise SourceError(rel, line, f"the control character {character} is in the text: remove it")
    meta: LineDict = LineDict()
    problems: list[Problem] = []
    body_line = 0
    match = _FRONT_MATTER.match(text)
    if match:
        data = parse_yaml("\n" + match.group(1), rel)  # so that its lines are the file's
        body_line = match.group(0).count("\n")
        if isinstance(data, LineDict):
            meta = data
            problems += unknown_keys(data, _KEYS, rel)
        elif data is not None:
            raise SourceError(rel, 2, "front matter must be a mapping (title: …)")
        text = text[match.end() :]
    elif _OPENED.match(text):
        raise SourceError(rel, 1, "front matter is never closed: end it with a line of ---")
    rendered = render_page(text)
    problems += [Problem(rel, body_line + 1, message) for message in rendered.problems]
    title = (
        _front(meta, "title", str, rel, "")
        or _first_heading(text)
        or name.replace("-", " ").title()
    )
    return (
        MarkdownPage(
            name=name,
            source=rel,
            title=title,
            description=_front(meta, "description", str, rel, ""),
            html=rendered.html,
            in_nav=_front(meta, "nav", bool, rel, name != "index"),
            order=_front(meta, "order", int, rel, 100),
        ),
        problems,
    )


_KINDS = {str: "text", bool: "true or false", int: "a whole number"}


def _front(meta: LineDict, key: str, kind: type[T], rel: str, default: T) -> T:
    """The value of ``key`` in front matter, which must be of ``kind``; ``default`` if absent."""
    value = meta.get(key)
    if value is None:
        return default
    if kind is str and type(value) in (int, float):  # title: 2024
        return kind(value)  # type: ignore[call-arg]
    if type(value) is not kind:
        raise SourceError(rel, meta.line_of(key), f"{key!r} must be {_KINDS[kind]}, not {value!r}")
    return value


def _first_heading(text: str) -> str | None:
    match = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
    return match.group(1) if match else None
