"""Abstract and page rendering: TeX text macros, MathML, links, and what may never get through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scholarsite import mathml, text
from scholarsite.build import read_site
from scholarsite.text import (
    RenderedText,
    abstract_plain_text,
    is_safe_url,
    render_abstract,
    render_markdown,
    render_page,
)

FIXTURES = Path(__file__).parent / "fixtures" / "text"
CORPUS = Path(__file__).parent.parent / "site_src" / "corpus"


# --------------------------------------------------------------------------- fixture files


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    expected: str
    line: int


def read_cases(path: Path) -> list[Case]:
    """Cases written as `name`, `.`, source lines, `.`, expected lines, `.`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip() or lines[index].startswith("#"):
            index += 1
            continue
        name, start = lines[index], index + 1
        assert lines[start] == ".", f"{path.name}:{start + 1}: expected '.' after the case name"
        separators = [i for i in range(start + 1, len(lines)) if lines[i] == "."][:2]
        source = "\n".join(lines[start + 1 : separators[0]])
        expected = "\n".join(lines[separators[0] + 1 : separators[1]])
        cases.append(Case(name, source, expected, index + 1))
        index = separators[1] + 1
    return cases


def corpus_lines() -> list[str]:
    """Every line of the shipped corpus: abstracts, titles, author lists, identifiers."""
    paths = sorted(CORPUS.glob("*.txt"))
    return [line for path in paths for line in path.read_text(encoding="utf-8").splitlines()]


def fixture_params(name: str) -> list[object]:
    return [
        pytest.param(case, id=f"{name}:{case.line} {case.name}")
        for case in read_cases(FIXTURES / name)
    ]


@pytest.mark.parametrize("case", fixture_params("abstract.txt"))
def test_abstract_fixture(case: Case) -> None:
    rendered = render_abstract(case.source)
    assert rendered.html == case.expected
    assert rendered.problems == ()


@pytest.mark.parametrize("case", fixture_params("plain.txt"))
def test_plain_text_fixture(case: Case) -> None:
    assert abstract_plain_text(case.source) == case.expected


@pytest.mark.parametrize("case", fixture_params("page.txt"))
def test_page_fixture(case: Case) -> None:
    assert render_markdown(case.source) == case.expected


def test_fixture_files_hold_cases() -> None:
    counts = {name: len(read_cases(FIXTURES / name)) for name in ("abstract.txt", "plain.txt")}
    assert min(counts.values()) >= 10, counts


# --------------------------------------------------------------------------- invisible characters


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("e.\\,g.", "<p>e.\u202fg.</p>"),
        ("10\\,000", "<p>10\u202f000</p>"),
        ("Fig.~3", "<p>Fig.\u00a03</p>"),
        ("a\\ b", "<p>a b</p>"),
        ("line\none", "<p>line\none</p>"),
    ],
)
def test_spacing_macros(source: str, expected: str) -> None:
    assert render_abstract(source).html == expected


def test_empty_abstract_renders_nothing() -> None:
    assert render_abstract("") == RenderedText("", ())
    assert abstract_plain_text("  \n ") == ""


# --------------------------------------------------------------------------- math


MATHML_OPEN = '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline"><semantics>'


def test_inline_math_is_mathml_with_tex_annotation() -> None:
    rendered = render_abstract("take $x^2 < y$ now")
    assert rendered.problems == ()
    assert rendered.html.startswith(f"<p>take {MATHML_OPEN}<mrow><msup><mi>x</mi><mn>2</mn>")
    assert rendered.html.endswith(
        '<annotation encoding="application/x-tex">x^2 &lt; y</annotation>'
        "</semantics></math> now</p>"
    )


@pytest.mark.parametrize(
    ("source", "display"),
    [("\\(a+b\\)", "inline"), ("$$a+b$$", "block"), ("\\[a+b\\]", "block")],
)
def test_other_math_delimiters(source: str, display: str) -> None:
    html = render_abstract(source).html
    assert f'display="{display}"' in html
    assert '<annotation encoding="application/x-tex">a+b</annotation>' in html


@pytest.mark.parametrize(
    ("tex", "fragment"),
    [
        (r"\tilde{O}(n^{\omega+3}a+n^4a^2+n^\omega\log(1/\epsilon))", "<mi>\u03c9</mi>"),
        (r"M_{\langle 3\rangle}", "<mi>\u27e8</mi><mn>3</mn>"),
        (r"3\times 3", "<mo>\u00d7</mo>"),
        (r"\leftrightarrow", "<mo>\u2194</mo>"),
        (r"||\beta{\bf z}||_{2}", '<mi mathvariant="bold">z</mi>'),
        (r"D_{\mathrm{KL}}", '<mi mathvariant="normal">K</mi>'),
        (r"P(x)\succeq 0", "<mi>\u2ab0</mi>"),
        (r"\mathcal{A}", "<mi>\U0001d49c</mi>"),
    ],
)
def test_corpus_formulas_are_typeset(tex: str, fragment: str) -> None:
    rendered = render_abstract(f"an ${tex}$ here")
    assert rendered.problems == ()
    assert fragment in rendered.html
    assert 'class="tex"' not in rendered.html


def test_escaped_dollar_is_not_math() -> None:
    rendered = render_abstract(r"from \$5 to \$10 and $x$")
    assert rendered.html.startswith("<p>from $5 to $10 and <math")
    assert rendered.html.count("<math") == 1


def test_corpus_abstracts_render_without_problems() -> None:
    lines = corpus_lines()
    assert len(lines) > 20
    rendered = [render_abstract(line) for line in lines]
    assert all(r.problems == () for r in rendered)
    joined = "".join(r.html for r in rendered)
    assert joined.count("<math") >= 30
    assert "50%" in joined and "\\%" not in joined
    assert '<span class="cite">[cai1994computing]</span>' in joined
    assert "<em>" in joined


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (r"$\foo{x}$", r"unknown command \foo"),
        (r"${x$", "unbalanced braces (1 `{` never closed)"),
        (r"$x}$", "unbalanced braces (a `}` closes nothing)"),
        (r"$<script>$", "it contains HTML markup"),
        (r"$<img src=x onerror=alert(1)>$", "it contains HTML markup"),
        (r"$\text{<b>x</b>}$", "it contains HTML markup"),
        (r"$\href{javascript:alert(1)}{x}$", r"\href is not allowed in formulas"),
        (r"$\style{color:red}{x}$", r"\style is not allowed in formulas"),
        (r"$\class{evil}{x}$", r"\class is not allowed in formulas"),
        (r"$\cssId{evil}{x}$", r"\cssId is not allowed in formulas"),
        (r"$\unicode{xD800}$", "it asks for the invalid character U+D800"),
        (r"$\color{red\"onload}{x}$", "it would produce mathcolor="),
        (r"$x^$", "latex2mathml failed (MissingSuperScriptOrSubscriptError)"),
        (r"$\left( x$", "latex2mathml failed (ExtraLeftOrMissingRightError)"),
        (r"$\begin{matrix}a$", "latex2mathml failed (MissingEndError)"),
    ],
)
def test_untypesettable_formula_is_shown_as_tex_with_a_problem(source: str, reason: str) -> None:
    rendered = render_abstract(f"before {source} after")
    code = source.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert rendered.html == f'<p>before <code class="tex">{code}</code> after</p>'
    assert len(rendered.problems) == 1
    problem = rendered.problems[0]
    assert problem.startswith(f"formula {source} could not be typeset: ")
    assert reason in problem
    assert problem.endswith("; shown as TeX")


def test_problem_message_names_formula_and_reason_exactly() -> None:
    assert render_abstract(r"$\foo{x}$").problems == (
        r"formula $\foo{x}$ could not be typeset: unknown command \foo; shown as TeX",
    )


def test_repeated_bad_formula_is_reported_once() -> None:
    assert len(render_abstract(r"$\foo$ and $\foo$ and $\bar{x}$").problems) == 1


def test_long_formula_is_refused_not_typeset() -> None:
    source = "$" + "x+" * 2500 + "x$"
    rendered = render_abstract(source)
    assert rendered.problems and "longer than 4000 characters" in rendered.problems[0]
    assert len(rendered.problems[0]) < 200


def test_unclosed_math_stays_text() -> None:
    assert render_abstract("$x and \\(y and $$z").html == "<p>$x and \\(y and $$z</p>"


def test_math_serialiser_rejects_what_the_allowlist_lacks() -> None:
    tree = Element("math")
    SubElement(SubElement(tree, "mrow"), "mi", href="javascript:alert(1)").text = "x"
    with pytest.raises(mathml.FormulaRejected, match="attribute 'href'"):
        mathml.math_html(tree, "x", display=False)
    tree = Element("math")
    SubElement(tree, "script").text = "alert(1)"
    with pytest.raises(mathml.FormulaRejected, match="element <script>"):
        mathml.math_html(tree, "x", display=False)


def test_math_serialiser_escapes_element_text() -> None:
    tree = Element("math")
    SubElement(tree, "mtext").text = "<b>&#x3C;</b>"
    assert "<mtext>&lt;b&gt;&lt;&lt;/b&gt;</mtext>" in mathml.math_html(tree, "t", display=False)


# --------------------------------------------------------------------------- link policy


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a", True),
        ("HTTP://example.org", True),
        ("mailto:a@example.org", True),
        ("../about/", True),
        ("#section", True),
        ("/papers/x/", True),
        ("papers/x/?q=a:b", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("vbscript:x", False),
        ("data:text/html,x", False),
        ("data:image/png;base64,AAAA", False),
        ("file:///etc/passwd", False),
        ("java%09script:alert(1)", False),
        ("\x01javascript:alert(1)", False),
    ],
)
def test_link_policy(url: str, safe: bool) -> None:
    assert is_safe_url(url) is safe


# --------------------------------------------------------------------------- allowlist of output


PHRASING = {"p", "em", "strong", "code", "a", "span", "br"}
PAGE = {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "pre", "blockquote", "hr"}
PAGE |= {"table", "thead", "tbody", "tr", "th", "td", "img", "s"}
MATHML = set(mathml.MATH_OUTPUT_ELEMENTS)
ALLOWED_ELEMENTS = PHRASING | PAGE | MATHML


def attribute_allowed(tag: str, name: str, value: str) -> bool:
    if tag == "a" and name == "href":
        return is_safe_url(value)
    if tag == "img" and name == "src":
        return is_safe_url(value)
    rules: dict[tuple[str, str], str] = {
        ("span", "class"): "cite",
        ("code", "class"): r"tex|language-[^\s\"<>]+",
        ("th", "style"): "text-align:(left|right|center)",
        ("td", "style"): "text-align:(left|right|center)",
        ("ol", "start"): r"\d+",
        ("img", "alt"): r"[^<>]*",
        ("a", "title"): r"[^<>]*",
        ("img", "title"): r"[^<>]*",
        ("math", "xmlns"): re.escape(mathml.MATHML_NAMESPACE),
        ("annotation", "encoding"): "application/x-tex",
    }
    for level in "123456":
        rules[(f"h{level}", "id")] = "[a-z0-9-]+"
    if (tag, name) in rules:
        return re.fullmatch(rules[(tag, name)], value) is not None
    return tag in MATHML and name in mathml.ALLOWED_MATH_ATTRIBUTES and not name.startswith("on")


class AllowlistChecker(HTMLParser):
    """Collects every element and attribute outside the allowlist."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.violations: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_ELEMENTS:
            self.violations.append(f"<{tag}>")
        for name, value in attrs:
            if not attribute_allowed(tag, name, value or ""):
                self.violations.append(f"<{tag} {name}={value!r}>")

    def handle_comment(self, data: str) -> None:
        self.violations.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.violations.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.violations.append(f"<?{data}>")


def violations(html: str) -> list[str]:
    checker = AllowlistChecker()
    checker.feed(html)
    checker.close()
    return checker.violations


HOSTILE = [
    "<script>alert(1)</script>",
    "</p><script>alert(1)</script>",
    '" onload="alert(1)',
    "' onmouseover='alert(1)",
    "$<script>alert(1)</script>$",
    "$<img src=x onerror=alert(1)>$",
    "$\\href{javascript:alert(1)}{x}$",
    "$\\style{background:url(javascript:alert(1))}{x}$",
    '$\\class{x" onclick="alert(1)}{y}$',
    "$\\text{</math><script>alert(1)</script>}$",
    '$\\mathrm{"><svg onload=alert(1)>}$',
    "\\href{javascript:alert(1)}{click}",
    "\\url{javascript:alert(1)}",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<script>",
    "`</code><script>alert(1)</script>`",
    "\\texttt{</code><script>}",
    "\\emph{<img src=x onerror=alert(1)>}",
    "\\cite{<script>}",
    "[x](javascript:alert(1)) <javascript:alert(1)> ![i](data:image/png;base64,AA)",
    "<!-- comment --> <?php echo 1; ?> <![CDATA[x]]>",
    "&lt;script&gt; &#60;script&#62; &#x3C;script&#x3E;",
    "\u202eevil\u202c \u200d \U0001f600 e\u0301",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_abstract_output_is_within_the_allowlist(source: str) -> None:
    html = render_abstract(source).html
    assert violations(html) == []
    assert "<script" not in html.lower()
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # only in text, never in markup


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_page_output_is_within_the_allowlist(source: str) -> None:
    html = render_markdown(f"# {source}\n\n{source}\n\n- {source}\n\n| a |\n|---|\n| {source} |\n")
    assert violations(html) == []
    assert "<script" not in html.lower()
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)


def test_corpus_output_is_within_the_allowlist() -> None:
    for line in corpus_lines():
        assert violations(render_abstract(line).html) == [], line[:60]


def test_checker_catches_what_it_must() -> None:
    assert violations('<p onclick="x">a</p><script></script><a href="javascript:x">y</a>') == [
        "<p onclick='x'>",
        "<script>",
        "<a href='javascript:x'>",
    ]


# --------------------------------------------------------------------------- pages


def test_page_math_and_problems() -> None:
    page = render_page("Energy $E=mc^2$ and $\\foo$.\n")
    assert "<math" in page.html and "<mi>E</mi>" in page.html
    assert page.problems == (
        r"formula $\foo$ could not be typeset: unknown command \foo; shown as TeX",
    )


def test_page_escape_of_parenthesis_is_math_not_markdown_escape() -> None:
    assert 'display="inline"' in render_markdown(r"inline \(x\) math")


def test_page_headings_do_not_collide_with_each_other() -> None:
    html = render_markdown("# A\n\n# A\n\n# A-1\n")
    assert re.findall(r'id="([^"]+)"', html) == ["a", "a-1", "a-1-1"]


# --------------------------------------------------------------------------- determinism, cache


def test_output_is_deterministic_across_fresh_calls() -> None:
    source = r"An $\tilde{O}(n)$ \emph{x} https://example.org $\foo$"
    first = render_abstract(source)
    render_abstract.cache_clear()
    mathml.typeset.cache_clear()
    assert render_abstract(source) == first


# --------------------------------------------------------------------------- properties


FRAGMENTS = [
    "$",
    "$$",
    "\\$",
    "\\(",
    "\\)",
    "\\[",
    "\\]",
    "{",
    "}",
    "\\",
    "`",
    "``",
    "''",
    "~",
    "--",
    "<",
    ">",
    "&",
    '"',
    "'",
    "\n",
    "\n\n",
    " ",
    "x",
    "1",
    "é",
    "\u202e",
    "\u0000",
    "<script>",
    "</p>",
    "javascript:",
    "data:",
    "https://",
    "http://a.b/",
    "onerror=",
    "\\emph{",
    "\\textbf{",
    "\\texttt{",
    "\\cite{",
    "\\cite[",
    "\\href{",
    "\\url{",
    "{\\em ",
    "\\frac",
    "\\text{",
    "\\style{",
    "\\class{",
    "\\unicode{x3C}",
    "\\foo",
    "\\%",
    "\\,",
    "^",
    "_",
    "\\left(",
    "\\right)",
    "\\begin{matrix}",
    "&",
    "\\\\",
    "*",
    "[",
    "](",
    ")",
    "#",
    "1.",
]
hostile_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.text(max_size=200),
)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_random_abstracts_never_raise_and_stay_in_the_allowlist(source: str) -> None:
    rendered = render_abstract(source)
    assert violations(rendered.html) == []
    assert "<script" not in rendered.html.lower()
    assert all(problem.endswith("; shown as TeX") for problem in rendered.problems)
    plain = abstract_plain_text(source)
    assert plain == plain.strip() and "  " not in plain


@settings(max_examples=200, deadline=None)
@given(hostile_text)
def test_random_pages_never_raise_and_stay_in_the_allowlist(source: str) -> None:
    assert violations(render_markdown(source)) == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), max_size=80))
def test_plain_words_survive_unchanged(words: str) -> None:
    """Text without markup characters loses nothing: the plain text is the words."""
    assert abstract_plain_text(words) == " ".join(words.split())


def test_plain_text_of_corpus_has_no_tex_left() -> None:
    plain = " ".join(abstract_plain_text(line) for line in corpus_lines())
    assert "\\" not in plain and "$" not in plain
    assert "Õ(n^(ω+3)a+n^4a^2+n^ω log(1/ϵ))" in plain
    assert "50% cheaper" in plain


prose = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"]), max_size=300
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(prose, hostile_text))
def test_plain_text_of_prose_without_markup_skips_the_parser_and_agrees(source: str) -> None:
    assert abstract_plain_text(source) == text.parsed_plain_text(source)


def test_plain_text_of_the_shipped_abstracts_agrees_with_the_parser() -> None:
    corpus = read_site(Path(__file__).resolve().parent.parent / "site_src").corpus
    abstracts = [paper.abstract for paper in corpus.papers]
    assert [abstract_plain_text(a) for a in abstracts] == [
        text.parsed_plain_text(a) for a in abstracts
    ]
