"""TeX formulas typeset to MathML that is safe to put in a page.

latex2mathml typesets the formula; its element tree is then written out again through an
allowlist of elements and attributes, so nothing a formula says can become a link, a script or a
style. A formula that cannot be typeset safely comes back as escaped TeX in
``<code class="tex">``, with the reason, which the caller reports as a problem.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from latex2mathml.converter import convert_to_element

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
MAX_FORMULA_CHARS = 4000  # longest formula typeset; real abstracts stay far below it


ALLOWED_MATH_ELEMENTS = frozenset(
    (  # noqa: SIM905 - a word list reads better than 28 quoted strings
        "math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mfrac"
        " msqrt mroot mstyle mtable mtr mtd menclose mpadded mphantom merror mmultiscripts"
        " mprescripts none"
    ).split()
)
ALLOWED_MATH_ATTRIBUTES = frozenset(
    (  # noqa: SIM905
        "display mathvariant stretchy fence separator largeop movablelimits accent accentunder"
        " form lspace rspace width height depth voffset minsize maxsize mathsize displaystyle"
        " scriptlevel linethickness notation columnalign rowalign columnlines rowlines"
        " columnspacing rowspacing frame framespacing equalrows equalcolumns linebreak mathcolor"
        " mathbackground symmetric rowspan columnspan"
    ).split()
)
# Every MathML element a formula's markup can hold: the allowlist and the wrapper around it.
MATH_OUTPUT_ELEMENTS = ALLOWED_MATH_ELEMENTS | {"semantics", "annotation"}
_SAFE_ATTRIBUTE_VALUE = re.compile(r"[A-Za-z0-9#.+\- ]{0,80}")
_FORBIDDEN_COMMANDS = re.compile(
    r"\\(href|url|style|class|cssId|html\w*|data\w*|attr\w*)(?![A-Za-z])"
)
_HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>|<!--")
_CHAR_REFERENCE = re.compile(r"&#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7});")
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
_MATH_ALPHANUMERIC = re.compile("[\u2100-\u214f\U0001d400-\U0001d7ff]")


class FormulaRejected(ValueError):
    """Raised inside the formula pipeline; becomes a problem message, never escapes."""


@dataclass(frozen=True)
class Formula:
    """A typeset formula, or the reason it could not be typeset."""

    html: str
    plain: str
    problem: str | None


def _check_braces(tex: str) -> None:
    depth = 0
    for match in re.finditer(r"\\.|[{}]", tex, re.DOTALL):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                raise FormulaRejected("unbalanced braces (a `}` closes nothing)")
    if depth:
        raise FormulaRejected(f"unbalanced braces ({depth} `{{` never closed)")


def _check_source(tex: str) -> None:
    if len(tex) > MAX_FORMULA_CHARS:
        raise FormulaRejected(f"longer than {MAX_FORMULA_CHARS} characters")
    if _HTML_TAG.search(tex):
        raise FormulaRejected("it contains HTML markup")
    forbidden = _FORBIDDEN_COMMANDS.search(tex)
    if forbidden:
        raise FormulaRejected(f"\\{forbidden.group(1)} is not allowed in formulas")
    _check_braces(tex)


def _decode_character(match: re.Match[str]) -> str:
    reference = match.group(1)
    code = int(reference[1:], 16) if reference[0] == "x" else int(reference)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or (code < 0x20 and code not in (9, 10, 13)):
        raise FormulaRejected(f"it asks for the invalid character U+{code:04X}")
    return chr(code)


def _element_text(text: str | None) -> str:
    """latex2mathml's text with its character references decoded (it double-escapes them)."""
    if not text:
        return ""
    decoded = _CHAR_REFERENCE.sub(_decode_character, text)
    unknown = _UNKNOWN_COMMAND.search(decoded)
    if unknown:
        raise FormulaRejected(f"unknown command {unknown.group()}")
    return decoded


def _attributes_html(element: Element) -> str:
    parts = []
    for name, value in sorted(element.attrib.items()):
        if name == "xmlns" and value == MATHML_NAMESPACE:
            continue
        if name not in ALLOWED_MATH_ATTRIBUTES:
            raise FormulaRejected(f"it would produce the attribute {name!r}")
        if not _SAFE_ATTRIBUTE_VALUE.fullmatch(value):
            raise FormulaRejected(f"it would produce {name}={value!r}")
        parts.append(f' {name}="{html.escape(value)}"')
    return "".join(parts)


def _element_html(element: Element) -> str:
    """Serialise a latex2mathml element tree through the allowlist."""
    tag = element.tag
    if tag not in ALLOWED_MATH_ELEMENTS:
        raise FormulaRejected(f"it would produce the element <{tag}>")
    inner = html.escape(_element_text(element.text), quote=False)
    inner += "".join(_element_html(child) for child in element)
    tail = html.escape(_element_text(element.tail), quote=False)
    return f"<{tag}{_attributes_html(element)}>{inner}</{tag}>{tail}"


def math_html(tree: Element, tex: str, display: bool) -> str:
    mode = "block" if display else "inline"
    body = "".join(_element_html(child) for child in tree)
    annotation = html.escape(tex, quote=False)
    return (
        f'<math xmlns="{MATHML_NAMESPACE}" display="{mode}"><semantics>{body}'
        f'<annotation encoding="application/x-tex">{annotation}</annotation>'
        "</semantics></math>"
    )


_COMBINING_ACCENTS = {
    "~": "\u0303",
    "\u02dc": "\u0303",
    "^": "\u0302",
    "\u02c6": "\u0302",
    "\u00af": "\u0304",
    "\u203e": "\u0305",
    "\u02d9": "\u0307",
    "\u00a8": "\u0308",
    "\u2192": "\u20d7",
    "\u02c7": "\u030c",
    "\u02d8": "\u0306",
    "\u00b4": "\u0301",
    "`": "\u0300",
}
_SPACED_PUNCTUATION = re.compile(r"\s+(?=[()\[\],;^_/])|(?<=[(\[])\s+")


def _fold_math_letters(text: str) -> str:
    return _MATH_ALPHANUMERIC.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _wrap(text: str) -> str:
    """Parenthesise a multi-character script or fraction part: `n^(ω+3)`, but `M_⟨3⟩`."""
    return text if len(text) <= 1 or text[0] in "([{|\u27e8\u2016" else f"({text})"


def _accented(base: str, accent: str) -> str:
    combining = _COMBINING_ACCENTS.get(accent.strip())
    if combining and len(base) == 1:
        return unicodedata.normalize("NFC", base + combining)
    return base + accent


def _children_plain(element: Element) -> list[str]:
    return [_element_plain(child) for child in element]


def _element_plain(element: Element) -> str:
    """Readable text for a MathML element: `Õ(n^(ω+3))`, `M_⟨3⟩`, `a/b`."""
    tag = element.tag
    if tag in ("mi", "mn", "mo", "mtext", "ms"):
        text = _fold_math_letters(_element_text(element.text))
        return f" {text} " if len(text) > 1 and text.isalpha() else text
    if tag in ("mphantom", "annotation"):
        return ""
    if tag == "mspace":
        return "" if element.attrib.get("width", "").startswith("-") else " "
    parts = _children_plain(element)
    if tag in ("mover", "munder") and len(parts) == 2:
        return _accented(parts[0], parts[1])
    if tag in ("msup", "msub") and len(parts) == 2:
        script = parts[1].strip()
        if tag == "msup" and script and set(script) <= set("\u2032\u2033\u2034*"):
            return parts[0] + script
        return parts[0] + ("^" if tag == "msup" else "_") + _wrap(script)
    if tag in ("msubsup", "munderover") and len(parts) == 3:
        return f"{parts[0]}_{_wrap(parts[1].strip())}^{_wrap(parts[2].strip())}"
    if tag == "mfrac" and len(parts) == 2:
        return f"{_wrap(parts[0].strip())}/{_wrap(parts[1].strip())}"
    if tag == "msqrt":
        return "\u221a" + _wrap("".join(parts).strip())
    if tag == "mroot" and len(parts) == 2:
        return f"\u221a[{parts[1].strip()}]{_wrap(parts[0].strip())}"
    if tag == "mtr":
        return ", ".join(p.strip() for p in parts) + "; "
    return "".join(parts)


def _math_plain(tree: Element) -> str:
    text = " ".join(_element_plain(tree).split())
    return _SPACED_PUNCTUATION.sub("", text).strip()


def _rejection_message(source: str, reason: str) -> str:
    shown = source if len(source) <= 80 else source[:77] + "..."
    return f"formula {shown} could not be typeset: {reason}; shown as TeX"


def _tex_fallback(source: str, tex: str, reason: str) -> Formula:
    code = f'<code class="tex">{html.escape(source, quote=False)}</code>'
    return Formula(code, " ".join(tex.split()), _rejection_message(source, reason))


@functools.lru_cache(maxsize=16384)
def typeset(source: str, tex: str, display: bool) -> Formula:
    """Typeset `tex` (written as `source`, delimiters included) or explain why not."""
    try:
        _check_source(tex)
        tree = convert_to_element(tex, display="block" if display else "inline")
        return Formula(math_html(tree, tex, display), _math_plain(tree), None)
    except FormulaRejected as rejected:
        return _tex_fallback(source, tex, str(rejected))
    except Exception as error:  # latex2mathml raises many types; each becomes a problem
        reason = f"{type(error).__name__} {error}".strip()
        return _tex_fallback(source, tex, f"latex2mathml failed ({reason})")
