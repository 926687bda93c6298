"""TeX in abstracts and pages, as markdown-it-py inline rules: math between ``$``, ``$$``,
``\\(`` and ``\\[`` (typeset by :mod:`scholarsite.mathml`; pages get only the math), and in
abstracts text macros (``\\emph``, ``\\url``, accents, ``\\ldots``, escaped characters),
old-style font switches (``{\\bf …}``), citations and TeX's quotes.

Every rule is bounded: closers are looked for within fixed distances, by bisection over
positions found once per paragraph; groups are matched once per paragraph and nest only so
deep. What a rule cannot read stays text.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from scholarsite.mathml import MAX_FORMULA_CHARS, typeset

__all__ = ["add_math", "add_text_macros", "cite_label"]

# How far a formula's end and a macro's arguments are looked for; real abstracts stay far below.
MAX_FORMULA_SEARCH = 5 * MAX_FORMULA_CHARS
MAX_ARGUMENT_CHARS = 4000
MAX_OPTIONAL_ARGUMENT_CHARS = 200
# Deepest nesting of TeX groups rendered as markup; deeper groups stay text.
MAX_GROUP_DEPTH = 16


# Pandoc's rule for a closing `$`: it follows no space (nor `\` or `$`) and no digit follows
# it, so "costs $5 and $10" stays text.
_CLOSING_DOLLAR = re.compile(r"(?<=[^\s\\$])\$(?!\d)")
_MATH_CLOSERS = {
    "$$": re.compile(r"\$\$"),
    "\\(": re.compile(r"\\\)"),
    "\\[": re.compile(r"\\\]"),
}
_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)


@functools.lru_cache(maxsize=32)
def _match_positions(src: str, pattern: re.Pattern[str]) -> tuple[int, ...]:
    """Start of every match of `pattern` in a paragraph, found once: closers are then looked
    up by bisection, so a line of a million unclosed `$` costs linear time, not quadratic."""
    return tuple(match.start() for match in pattern.finditer(src))


def _next_match(src: str, pattern: re.Pattern[str], start: int, end: int) -> int:
    """Start of the first match of `pattern` at or after `start` that lies before `end`, or -1."""
    positions = _match_positions(src, pattern)
    index = bisect.bisect_left(positions, start)
    if index < len(positions) and positions[index] < min(end, start + MAX_FORMULA_SEARCH):
        return positions[index]
    return -1


@functools.lru_cache(maxsize=8)
def _brace_pairs(src: str) -> dict[int, int]:
    """Position of each `{` mapped to its matching `}`; escaped braces do not count."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    for match in _BRACE_OR_ESCAPE.finditer(src):
        if match.group() == "{":
            opened.append(match.start())
        elif match.group() == "}" and opened:
            pairs[opened.pop()] = match.start()
    return pairs


def _math_bounds(src: str, pos: int, end: int) -> tuple[int, int, int, bool] | None:
    """(content start, content end, position after the closer, display) for math at `pos`."""
    opener = src[pos : pos + 2]
    if opener in _MATH_CLOSERS:
        close = _next_match(src, _MATH_CLOSERS[opener], pos + 2, end)
        return (pos + 2, close, close + 2, opener != "\\(") if close > pos + 2 else None
    if src[pos] != "$" or pos + 1 >= end or src[pos + 1].isspace():
        return None
    close = _next_match(src, _CLOSING_DOLLAR, pos + 1, end)
    return (pos + 1, close, close + 1, False) if close > pos + 1 else None


def math_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] not in "$\\":
        return False
    bounds = _math_bounds(state.src, state.pos, state.posMax)
    if bounds is None:
        return False
    start, close, after, display = bounds
    if not silent:
        token = state.push("tex_math", "math", 0)
        token.content = state.src[start:close]
        token.markup = state.src[state.pos : start]
        token.meta = {"display": display, "source": state.src[state.pos : after]}
    state.pos = after
    return True


def _group_end(src: str, pos: int, end: int) -> int:
    """Index of the `}` matching the `{` at `pos`, or -1 (no group, unbalanced, too long)."""
    if pos >= end or src[pos] != "{":
        return -1
    close = _brace_pairs(src).get(pos, -1)
    return close if close < end and close - pos <= MAX_ARGUMENT_CHARS else -1


def _skip_optional_arguments(src: str, pos: int, end: int) -> int:
    """Position after `[...]` optional arguments (as in `\\cite[p. 3]{key}`)."""
    while pos < end and src[pos] == "[":
        close = src.find("]", pos, min(end, pos + MAX_OPTIONAL_ARGUMENT_CHARS))
        if close < 0:
            return pos
        pos = close + 1
    return pos


_STYLE_TAGS: dict[str, tuple[str, str] | None] = {
    "emph": ("em", "em"),
    "textit": ("em", "em"),
    "textsl": ("em", "em"),
    "textbf": ("strong", "strong"),
    "textrm": None,
    "textsf": None,
    "textup": None,
    "textmd": None,
    "textnormal": None,
    "textsc": None,
    "text": None,
    "mbox": None,
    "underline": None,
}
_SWITCH_TAGS: dict[str, str | None] = {
    "em": "em",
    "it": "em",
    "sl": "em",
    "bf": "strong",
    "rm": None,
    "sf": None,
    "sc": None,
    "tt": "code",
}
_CITE_COMMANDS = frozenset({"cite", "citep", "citet", "citealp", "citealt", "citeauthor"})
_WORD_SYMBOLS = {
    "ldots": "\u2026",
    "dots": "\u2026",
    "textellipsis": "\u2026",
    "LaTeX": "LaTeX",
    "TeX": "TeX",
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "textquoteleft": "\u2018",
    "textquoteright": "\u2019",
    "textquotedblleft": "\u201c",
    "textquotedblright": "\u201d",
    "textbackslash": "\\",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "textdegree": "\u00b0",
    "texttimes": "\u00d7",
    "copyright": "\u00a9",
    "S": "\u00a7",
    "P": "\u00b6",
    "ss": "\u00df",
    "ae": "\u00e6",
    "AE": "\u00c6",
    "oe": "\u0153",
    "OE": "\u0152",
    "aa": "\u00e5",
    "AA": "\u00c5",
    "o": "\u00f8",
    "O": "\u00d8",
    "l": "\u0142",
    "L": "\u0141",
    "i": "\u0131",
    "j": "\u0237",
    "quad": " ",
    "qquad": " ",
    "newline": " ",
    "par": " ",
}
_ESCAPED_CHARACTERS = {
    "$": "$",
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    "{": "{",
    "}": "}",
    ",": "\u202f",  # TeX's \, is a thin space that never breaks: NARROW NO-BREAK SPACE
    ";": " ",
    ":": " ",
    " ": " ",
    "\\": " ",
    "!": "",
    "-": "",
    "/": "",
    "@": "",
}
_TEXT_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_DOTLESS = {"\\i": "i", "\\j": "j"}


def _accent_argument(src: str, pos: int, end: int, letter_command: bool) -> tuple[str, int] | None:
    """The accented letter after an accent command and the position after it."""
    close = _group_end(src, pos, end)
    if close > 0:
        inner = src[pos + 1 : close].strip()
        inner = _DOTLESS.get(inner, inner)
        return (inner, close + 1) if len(inner) == 1 and inner.isalpha() else None
    if not letter_command and pos < end and src[pos].isalpha():
        return src[pos], pos + 1
    return None


def _push_styled(state: StateInline, tag: str | None, start: int, close: int) -> None:
    """Push `<tag>` + the inline content of src[start:close] + `</tag>`."""
    old_max = state.posMax
    if tag == "code":
        token = state.push("code_inline", "code", 0)
        token.content = _unescape_tex(state.src[start:close])
        return
    if tag:
        state.push(f"{tag}_open", tag, 1)
    state.pos, state.posMax = start, close
    state.env["tex_depth"] = state.env.get("tex_depth", 0) + 1
    state.md.inline.tokenize(state)
    state.env["tex_depth"] -= 1
    state.posMax = old_max
    if tag:
        state.push(f"{tag}_close", tag, -1)


def _too_deep(state: StateInline) -> bool:
    return bool(state.env.get("tex_depth", 0) >= MAX_GROUP_DEPTH)


def _unescape_tex(text: str) -> str:
    return re.sub(r"\\([$%&_#{}])", r"\1", text)


def _push_link(state: StateInline, url: str, label_start: int, label_end: int) -> None:
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href) or not href.lower().startswith(("http:", "https:")):
        _push_styled(state, None, label_start, label_end)
        return
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href}
    _push_styled(state, None, label_start, label_end)
    state.push("link_close", "a", -1)


def _word_macro(state: StateInline, name: str, pos: int, silent: bool) -> int:
    """Handle `\\name...` starting at `pos` (just after the name); return the end or -1."""
    src, end = state.src, state.posMax
    if name in _STYLE_TAGS or name == "texttt":
        close = _group_end(src, pos, end)
        if close < 0:
            return -1
        if not silent:
            style = _STYLE_TAGS.get(name)
            _push_styled(state, "code" if name == "texttt" else style and style[0], pos + 1, close)
        return close + 1
    if name in _CITE_COMMANDS:
        start = _skip_optional_arguments(src, pos, end)
        close = _group_end(src, start, end)
        if close < 0:
            return -1
        if not silent:
            token = state.push("tex_cite", "span", 0)
            keys = [key.strip() for key in src[start + 1 : close].split(",") if key.strip()]
            token.meta = {"keys": keys}
        return close + 1
    if name == "url":
        close = _group_end(src, pos, end)
        if close < 0:
            return -1
        if not silent:
            _push_link(state, src[pos + 1 : close].strip(), pos + 1, close)
        return close + 1
    if name == "href":
        close = _group_end(src, pos, end)
        label_close = _group_end(src, close + 1, end) if close > 0 else -1
        if label_close < 0:
            return -1
        if not silent:
            _push_link(state, src[pos + 1 : close].strip(), close + 2, label_close)
        return label_close + 1
    if name in _TEXT_ACCENTS:
        argument = _accent_argument(src, pos, end, letter_command=True)
        if argument is None:
            return _plain_word(state, name, pos, silent)
        if not silent:
            state.pending += unicodedata.normalize("NFC", argument[0] + _TEXT_ACCENTS[name])
        return argument[1]
    return _plain_word(state, name, pos, silent)


def _plain_word(state: StateInline, name: str, pos: int, silent: bool) -> int:
    if name not in _WORD_SYMBOLS:
        return -1
    if not silent:
        state.pending += _WORD_SYMBOLS[name]
    return pos + 2 if state.src.startswith("{}", pos) else pos


def _symbol_macro(state: StateInline, char: str, pos: int, silent: bool) -> int:
    """Handle `\\<char>` (an escaped character or an accent); return the end or -1."""
    if char in _TEXT_ACCENTS:
        argument = _accent_argument(state.src, pos, state.posMax, letter_command=False)
        if argument is None:
            return -1
        if not silent:
            state.pending += unicodedata.normalize("NFC", argument[0] + _TEXT_ACCENTS[char])
        return argument[1]
    if char in _ESCAPED_CHARACTERS:
        if not silent:
            state.pending += _ESCAPED_CHARACTERS[char]
        return pos
    return -1


def macro_rule(state: StateInline, silent: bool) -> bool:
    """TeX text macros outside math. An unknown macro is left to the text rule: shown as is."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= state.posMax or _too_deep(state):
        return False
    name_match = re.compile(r"[A-Za-z]+").match(src, pos + 1, state.posMax)
    if name_match:
        after = _word_macro(state, name_match.group(), name_match.end(), silent)
    else:
        after = _symbol_macro(state, src[pos + 1], pos + 2, silent)
    if after < 0:
        return False
    state.pos = after
    return True


_SWITCH = re.compile(r"\{\\(em|it|sl|bf|rm|sf|sc|tt)(?![A-Za-z])\s*")


def switch_rule(state: StateInline, silent: bool) -> bool:
    """Old-style font switches: `{\\em text}`, `{\\bf text}`."""
    match = _SWITCH.match(state.src, state.pos, state.posMax)
    if not match or _too_deep(state):
        return False
    close = _group_end(state.src, state.pos, state.posMax)
    if close < 0:
        return False
    if not silent:
        _push_styled(state, _SWITCH_TAGS[match.group(1)], match.end(), close)
    state.pos = close + 1
    return True


def quote_rule(state: StateInline, silent: bool) -> bool:
    """TeX's ``quote'' opening: two backticks that a later '' closes, before any code span."""
    src, pos = state.src, state.pos
    if not src.startswith("``", pos) or src.startswith("```", pos):
        return False
    limit = min(state.posMax, pos + MAX_ARGUMENT_CHARS)
    closing_code = src.find("``", pos + 2, limit)
    if src.find("''", pos + 2, closing_code if closing_code >= 0 else limit) < 0:
        return False
    if not silent:
        state.pending += "\u201c"
    state.pos = pos + 2
    return True


# --------------------------------------------------------------------------- rendering


def _render_math(
    renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    formula = typeset(token.meta["source"], token.content, bool(token.meta["display"]))
    if formula.problem and formula.problem not in env.setdefault("problems", []):
        env["problems"].append(formula.problem)
    return formula.html


def _render_cite(
    renderer: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    label = html.escape(cite_label(tokens[idx]), quote=False)
    return f'<span class="cite">{label}</span>'


def cite_label(token: Token) -> str:
    return "[" + ", ".join(token.meta["keys"]) + "]"


def add_math(md: MarkdownIt, before: str) -> None:
    """Math between TeX's delimiters, typeset to MathML (abstracts and pages)."""
    md.inline.ruler.before(before, "tex_math", math_rule)
    md.add_render_rule("tex_math", _render_math)


def add_text_macros(md: MarkdownIt) -> None:
    """TeX's text macros, font switches, quotes and citations (abstracts; after ``add_math``)."""
    md.inline.ruler.after("tex_math", "tex_macro", macro_rule)
    md.inline.ruler.after("tex_macro", "tex_switch", switch_rule)
    md.inline.ruler.before("backticks", "tex_quote", quote_rule)
    md.add_render_rule("tex_cite", _render_cite)
