"""Abstract and page rendering: plain text with TeX fragments, and Markdown pages, to safe HTML.

Abstracts are parsed by a markdown-it-py instance that knows only paragraphs and a few inline
rules (code spans, TeX math and text macros from :mod:`scholarsite.texrules`, bare URLs, TeX
typography): a line that starts with ``1.`` or ``#`` stays text. Pages get CommonMark plus
tables, heading anchors and the same math.

Safety rules shared by both parsers:

- source HTML is never passed through; every text is escaped;
- only ``http``, ``https``, ``mailto`` and relative links are clickable;
- math is typeset server-side to MathML through an allowlist (:mod:`scholarsite.mathml`); a
  formula that cannot be typeset safely is shown as escaped TeX and reported as a problem.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from scholarsite.mathml import typeset
from scholarsite.texrules import add_math, add_text_macros, cite_label

__all__ = [
    "RenderedText",
    "abstract_plain_text",
    "is_safe_url",
    "render_abstract",
    "render_markdown",
    "render_page",
    "slugify_heading",
]


@dataclass(frozen=True)
class RenderedText:
    """A safe HTML fragment and the problems met while rendering it."""

    html: str
    problems: tuple[str, ...]


# --------------------------------------------------------------------------- links


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_url(url: str) -> bool:
    """True for ``http``/``https``/``mailto`` URLs and relative references, False otherwise."""
    scheme = _SCHEME.match(url)
    if scheme:
        return scheme.group(1).lower() in _SAFE_SCHEMES
    head = re.split(r"[/?#]", url, maxsplit=1)[0]
    return ":" not in head and not any(ord(c) < 0x20 for c in url)


class _SafeMarkdown(MarkdownIt):
    """markdown-it with our link policy instead of its deny-list."""

    def validateLink(self, url: str) -> bool:
        return is_safe_url(url)


# --------------------------------------------------------------------------- core rules


_BARE_URL = re.compile(r"(?<![\w@/.:-])https?://[\w\-]+[^\s<>\"`{}|\\^\[\]]*", re.ASCII)
_URL_TRAILING = ".,;:!?'\"*"


def _trim_url(url: str) -> str:
    """Drop trailing punctuation, and a `)` that closes nothing in the URL."""
    while url:
        if url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            return url
    return url


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _split_urls(md: MarkdownIt, text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    for match in _BARE_URL.finditer(text):
        url = _trim_url(match.group())
        href = md.normalizeLink(url)
        if match.start() < pos or "://" not in url or not md.validateLink(href):
            continue
        if match.start() > pos:
            tokens.append(_text_token(text[pos : match.start()]))
        link_open = Token("link_open", "a", 1)
        link_open.attrs = {"href": href}
        tokens += [link_open, _text_token(url), Token("link_close", "a", -1)]
        pos = match.start() + len(url)
    if pos < len(text):
        tokens.append(_text_token(text[pos:]))
    return tokens


def _map_unlinked_text(state: StateCore, transform: Callable[[Token], list[Token]]) -> None:
    """Replace every text token outside a link by `transform(token)`."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        depth = 0
        children: list[Token] = []
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            if token.type == "text" and depth == 0:
                children += transform(token)
            else:
                children.append(token)
        block.children = children


def _bare_urls_rule(state: StateCore) -> None:
    """Bare http(s) URLs become links; trailing punctuation stays outside."""

    def split(token: Token) -> list[Token]:
        return _split_urls(state.md, token.content) if "://" in token.content else [token]

    _map_unlinked_text(state, split)


_TYPOGRAPHY = (("---", "\u2014"), ("--", "\u2013"), ("''", "\u201d"), ("~", "\u00a0"))


def _typography_rule(state: StateCore) -> None:
    """TeX typography in text: `--`, `---`, closing `''`, `~` (no-break space)."""

    def replace(token: Token) -> list[Token]:
        for source, target in _TYPOGRAPHY:
            token.content = token.content.replace(source, target)
        return [token]

    _map_unlinked_text(state, replace)


def _drop_unsafe_links_rule(state: StateCore) -> None:
    """Last line of defence: a link or image whose URL fails the policy loses its markup."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        dropped: list[bool] = []
        children: list[Token] = []
        for token in block.children:
            if token.type == "link_open":
                dropped.append(not is_safe_url(str(token.attrGet("href") or "")))
                if dropped[-1]:
                    continue
            elif token.type == "link_close" and dropped and dropped.pop():
                continue
            elif token.type == "image" and not is_safe_url(str(token.attrGet("src") or "")):
                token = _text_token(token.content)
            children.append(token)
        block.children = children


# --------------------------------------------------------------------------- rendering


def _abstract_parser() -> MarkdownIt:
    md = _SafeMarkdown("zero", {"html": False, "maxNesting": 20})
    md.enable(["newline", "backticks"])
    add_math(md, before="newline")
    add_text_macros(md)
    md.core.ruler.push("bare_urls", _bare_urls_rule)
    md.core.ruler.push("tex_typography", _typography_rule)
    md.core.ruler.push("drop_unsafe_links", _drop_unsafe_links_rule)
    return md


def slugify_heading(title: str) -> str:
    """An ASCII anchor id for a heading: `Über uns — 2024` -> `uber-uns-2024`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug or "section"


_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,40}")


def _plain_fence_languages_rule(state: StateCore) -> None:
    """A code fence's language becomes a class name: keep it only when it is a plain word."""
    for token in state.tokens:
        if token.type == "fence":
            word = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
            token.info = word if _LANGUAGE.fullmatch(word) else ""


def _page_parser() -> MarkdownIt:
    md = _SafeMarkdown("commonmark", {"html": False, "xhtmlOut": False, "maxNesting": 20})
    md.disable(["html_block", "html_inline"])
    md.enable(["table", "strikethrough"])
    add_math(md, before="escape")
    md.core.ruler.push("bare_urls", _bare_urls_rule)
    md.core.ruler.push("drop_unsafe_links", _drop_unsafe_links_rule)
    md.core.ruler.push("plain_fence_languages", _plain_fence_languages_rule)
    anchors_plugin(md, min_level=1, max_level=6, slug_func=slugify_heading)
    return md


_ABSTRACT_PARSER = _abstract_parser()
_PAGE_PARSER = _page_parser()


@functools.lru_cache(maxsize=8)
def _abstract_tokens(source: str) -> tuple[Token, ...]:
    """An abstract's parse, shared by its HTML and its plain text (a paper page shows both)."""
    return tuple(_ABSTRACT_PARSER.parse(source, {}))


@functools.lru_cache(maxsize=4096)
def render_abstract(source: str) -> RenderedText:
    """Render an abstract (plain text with TeX fragments) to a safe HTML fragment."""
    env: dict[str, Any] = {"problems": []}
    tokens = list(_abstract_tokens(source))
    rendered = str(_ABSTRACT_PARSER.renderer.render(tokens, _ABSTRACT_PARSER.options, env))
    return RenderedText(rendered.strip(), tuple(env["problems"]))


def render_page(source: str) -> RenderedText:
    """Render a Markdown page (headings with ids, lists, tables, code, links, math)."""
    return _render(_PAGE_PARSER, source)


def render_markdown(source: str) -> str:
    """The HTML of `render_page` (its problems are dropped: use `render_page` to report them)."""
    return render_page(source).html


def _render(parser: MarkdownIt, source: str) -> RenderedText:
    env: dict[str, Any] = {"problems": []}
    rendered = str(parser.render(source, env))
    return RenderedText(rendered.strip(), tuple(env["problems"]))


def _token_plain(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "tex_math":
        formula = typeset(token.meta["source"], token.content, bool(token.meta["display"]))
        return formula.plain
    if token.type == "tex_cite":
        return cite_label(token)
    return ""


# Text without these has no markup, TeX or typography to undo: its words are its plain text.
_MARKUP = re.compile(r"[\x00\\$`'~{}%^&<>\[\]*_]|--|https?:|www\.")


@functools.lru_cache(maxsize=4096)
def abstract_plain_text(source: str) -> str:
    """The abstract as readable words: TeX macros and markup removed, whitespace collapsed."""
    if not _MARKUP.search(source):
        return " ".join(source.split())
    return parsed_plain_text(source)


def parsed_plain_text(source: str) -> str:
    """:func:`abstract_plain_text` the long way, through the parser, whatever the text."""
    parts: list[str] = []
    for block in _abstract_tokens(source):
        if block.type == "inline" and block.children:
            parts += [_token_plain(token) for token in block.children]
        elif block.type == "paragraph_close":
            parts.append(" ")
    return " ".join("".join(parts).split())
