"""Nothing in the input can inject markup or script into the output.

Hypothesis builds whole sites whose dumps, curation, config and Markdown pages are full of
``<script>``, attribute breakouts, ``javascript:`` URLs, template syntax, HTML inside ``$…$`` and
Unicode edge cases. Every produced file is parsed and compared with a build of a benign site of
the same shape: the set of (tag, attribute) pairs must not grow beyond it and the MathML the math
renderer's allowlist admits (which of that a formula uses depends on the formula), no inline
script can be closed by the corpus, no link is a ``javascript:`` link, XML files parse, JSON (and
JSON-in-JS) parses.
"""

from __future__ import annotations

import json
import re
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scholarsite.build import BuildOptions, build_site
from scholarsite.corpus.decode import CONTROL
from scholarsite.mathml import ALLOWED_MATH_ATTRIBUTES, MATH_OUTPUT_ELEMENTS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_MARK = "zqjx"  # what {{ 'zq' ~ 'jx' }} renders to, if the input were ever evaluated
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "cite", "xlink:href", "data"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
MATH_PAIRS = {
    (tag, name) for tag in MATH_OUTPUT_ELEMENTS for name in (*ALLOWED_MATH_ATTRIBUTES, "")
}

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    '" onload="alert(3)',
    "' onmouseover='alert(4)",
    "javascript:alert(5)",
    "data:text/html,<script>alert(6)</script>",
    "{{ 'zq' ~ 'jx' }}",
    "{% raw %}{% endraw %}{% include 'base.html' %}",
    "$<img src=x onerror=alert(7)>$",
    "$\\href{javascript:alert(8)}{x}$",
    "<!-- --><iframe src=javascript:alert(9)>",
    "<svg onload=alert(10)>",
    "[click](javascript:alert(11))",
    "<a href='javascript:alert(12)'>x</a>",
    "\u202egnp.exe",
    "a\u200db\u200cc",
    "e\u0301\u0301\u0301",
    "\U0001f600\U0001f469\u200d\U0001f52c",
    "]]><x>",
    "&amp;&lt;&#x3C;script&#62;",
    "\u2028\u2029",
    "\\emph{<b>x</b>}",
    "`<script>`",
    "https://example.org/?q=<script>",
]
BENIGN = [
    "plain words",
    "$x^2 + \\frac{a}{b}$",
    "$\\sqrt{n}$",
    "$\\notamacro{x}$",  # TeX that does not typeset: shown as code, as hostile TeX may be
    "\\emph{emphasis}",
    "50\\%",
    "`pip install thing`",
    "https://example.org/page.",
]
BENIGN_PAGE = (
    "# Heading\n\nA paragraph with *emphasis*, **strong**, `code` and a [link](https://example.org/)."
    "\n\n- item one\n- item two\n\n1. first\n2. second\n\n> a quote\n\n```\ncode block\n```\n\n"
    "Math $x^2$ inline.\n\n## Second heading\n\nText.\n"
)


# ---- building a site from fields -----------------------------------------------------------


@dataclass
class SiteFields:
    titles: list[str]
    names: list[str]
    abstracts: list[str]
    comments: list[str]
    ids: list[str]
    config: dict[str, str]
    curation_title: str
    curation_name: str
    page_text: str
    dump_bytes: bytes = b""
    extra: dict[str, str] = field(default_factory=dict)


def _line(text: str) -> str:
    """One source line: no line breaks inside a field."""
    return re.sub(r"[\r\n\x0b\x0c\x1c-\x1e\x85]+", " ", text).strip() or "x"


def _typed(text: str) -> str:
    """Text for a hand-written file (site.yaml, curation.yaml, a page): control characters are
    refused there with a message (see test_hostile_input), not cleaned as in the dumps."""
    return CONTROL.sub("", text)


def titled_dump(fields: SiteFields) -> str:
    lines = ["Lu, Cheng"]
    for i, title in enumerate(fields.titles):
        name = _line(fields.names[i % len(fields.names)]).replace(",", " ")
        lines += [
            f"Title {i} {_line(title)}",
            f"Lu, Cheng, {name}, Ana, Kim, null",
            "We prove a result about systems that holds in every case we tried and report it "
            f"here with the details {i}: {_line(fields.abstracts[i % len(fields.abstracts)])}.",
        ]
    return "\n".join(lines) + "\n"


def listing_dump(fields: SiteFields) -> str:
    lines = []
    for i, abstract in enumerate(fields.abstracts):
        arxiv = f"arXiv:{2401 + i % 9}.{10000 + i}" if i else ""
        lines.append(
            f"{arxiv}A listing abstract number {i} that is long enough to be prose, and it "
            f"says: {_line(abstract)}."
        )
        lines.append(_line(fields.comments[i % len(fields.comments)])[:60])
    lines.append(f"arXiv:2312.{20000 + len(fields.abstracts)}")
    lines += [f"arXiv:{_line(i)}" for i in fields.ids]
    return "\n".join(lines) + "\n"


def write_site(root: Path, fields: SiteFields) -> Path:
    source = root / "site_src"
    (source / "corpus").mkdir(parents=True)
    (source / "pages").mkdir()
    (source / "corpus" / "000_titled.txt").write_text(titled_dump(fields), encoding="utf-8")
    (source / "corpus" / "001_listing.txt").write_text(listing_dump(fields), encoding="utf-8")
    (source / "corpus" / "002_abstracts.txt").write_bytes(
        b"Tony\nAbstract: Raw bytes from a scraper, kept as text: " + fields.dump_bytes + b".\n"
    )
    config = {"base_url": "https://example.org/site/", **fields.config}
    config = {key: _typed(value) for key, value in config.items()}
    (source / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    curation = {
        "profiles": {"001_listing.txt": {"name": f"Ryder, {_typed(_line(fields.curation_name))}"}},
        "papers": [
            {"match": {"arxiv": "2402.10001"}, "title": _typed(_line(fields.curation_title))},
        ],
    }
    (source / "curation.yaml").write_text(
        yaml.safe_dump(curation, allow_unicode=True), encoding="utf-8"
    )
    text = _typed(fields.page_text)
    page = (
        f"---\ntitle: {json.dumps(_line(text))}\n---\n"
        f"{BENIGN_PAGE}\n{text}\n\n<script>alert(13)</script>\n"
    )
    (source / "pages" / "about.md").write_text(page, encoding="utf-8")
    return source


def benign_fields() -> SiteFields:
    return SiteFields(
        titles=list(BENIGN),
        names=["Song"],
        abstracts=list(BENIGN),
        comments=["NeurIPS 2021"],
        ids=["2101.00001v2"],
        config={"title": "Site", "description": "About", "author": "Someone", "language": "en"},
        curation_title="A title",
        curation_name="Nick",
        page_text=BENIGN_PAGE,
        dump_bytes=b"caf\xc3\xa9",
    )


# ---- reading the output --------------------------------------------------------------------


class PageScan(HTMLParser):
    """Tags and attributes used, URL attribute values, and inline script contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: set[tuple[str, str]] = set()
        self.urls: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pairs.add((tag, ""))
        for name, value in attrs:
            self.pairs.add((tag, name))
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append(value)
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None


@dataclass
class SiteScan:
    pairs: set[tuple[str, str]]
    files: dict[str, bytes] = field(repr=False)  # a failing example's report stays readable

    def added_to(self, benign: SiteScan) -> list[tuple[str, str]]:
        """The elements and attributes neither the templates nor a formula put there."""
        return sorted(self.pairs - benign.pairs - MATH_PAIRS)


def scan_site(output: Path) -> SiteScan:
    pairs: set[tuple[str, str]] = set()
    files = {
        p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()
    }
    for rel, data in files.items():
        if rel.endswith(".html"):
            scan = PageScan()
            scan.feed(data.decode("utf-8"))
            scan.close()
            pairs |= scan.pairs
            check_page(rel, scan)
        elif rel.endswith(".xml"):
            ET.fromstring(data)
        elif rel.endswith(".json"):
            json.loads(data)
        elif rel.startswith("search/") and rel.endswith(".js"):
            check_index_script(rel, data.decode("utf-8"))
        assert TEMPLATE_MARK.encode() not in data, f"{rel}: input was evaluated as a template"
    return SiteScan(pairs, files)


def check_page(rel: str, scan: PageScan) -> None:
    for url in scan.urls:
        squeezed = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
        assert not squeezed.startswith(BAD_SCHEMES), f"{rel}: clickable {url!r}"
    for attrs, text in scan.scripts:
        if "src" in attrs:
            assert not text.strip(), f"{rel}: a script with src has content"
            continue
        lowered = text.lower()
        assert "</script" not in lowered and "<!--" not in lowered, f"{rel}: {text[:80]!r}"
        assert attrs.get("type") == "application/ld+json", f"{rel}: inline script {attrs}"
        json.loads(text)


_INDEX_CALL = re.compile(r"\AscholarsiteSearchIndex\((\"(?:[^\"\\]|\\.)*\"),(.*)\);\s*\Z", re.S)


def check_index_script(rel: str, text: str) -> None:
    match = _INDEX_CALL.match(text)
    assert match, f"{rel}: not a single index call"
    json.loads(match.group(1))
    json.loads(match.group(2))


def build_and_scan(fields: SiteFields) -> SiteScan:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = write_site(root, fields)
        build_site(BuildOptions(source, root / "build"))
        return scan_site(root / "build")


@pytest.fixture(scope="module")
def benign() -> SiteScan:
    return build_and_scan(benign_fields())


# ---- the properties ------------------------------------------------------------------------

_hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.sampled_from(BENIGN), st.text(max_size=12)),
    min_size=1,
    max_size=4,
).map(" ".join)
_hostile_bytes = st.lists(
    st.sampled_from(
        [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xe9", b"\x00", b"<script>", b"\xe2\x80\xae", b"ok"]
    ),
    max_size=6,
).map(b"".join)
_site_fields = st.builds(
    SiteFields,
    titles=st.lists(_hostile_text, min_size=1, max_size=3),
    names=st.lists(_hostile_text, min_size=1, max_size=2),
    abstracts=st.lists(_hostile_text, min_size=1, max_size=3),
    comments=st.lists(_hostile_text, min_size=1, max_size=2),
    ids=st.lists(st.sampled_from(["2101.00002</script>", "javascript:1", "x/0000001"]), max_size=2),
    config=st.fixed_dictionaries(
        {"title": _hostile_text, "description": _hostile_text, "author": _hostile_text}
    ),
    curation_title=_hostile_text,
    curation_name=_hostile_text,
    page_text=_hostile_text,
    dump_bytes=_hostile_bytes,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(fields=_site_fields)
def test_hostile_input_adds_no_markup_and_no_script(benign: SiteScan, fields: SiteFields) -> None:
    scan = build_and_scan(fields)
    grown = scan.added_to(benign)
    assert not grown, f"elements or attributes the templates did not put there: {grown}"


def test_every_hostile_string_at_once_in_every_field(benign: SiteScan) -> None:
    everything = " ".join(HOSTILE)
    fields = SiteFields(
        titles=HOSTILE,
        names=HOSTILE,
        abstracts=HOSTILE,
        comments=HOSTILE,
        ids=["2101.00002</script>", "javascript:alert(1)"],
        config={"title": everything, "description": everything, "author": everything},
        curation_title=everything,
        curation_name=everything,
        page_text="\n\n".join(HOSTILE),
        dump_bytes=b"\xed\xa0\x80\x00<script>\xe2\x80\xae",
    )
    scan = build_and_scan(fields)
    grown = scan.added_to(benign)
    assert not grown, f"elements or attributes the templates did not put there: {grown}"
    assert "papers/index.html" in scan.files


def test_the_benign_site_exercises_math_links_and_json_ld(benign: SiteScan) -> None:
    """The comparison means something only if the benign build uses what the hostile one might."""
    tags = {tag for tag, attr in benign.pairs if not attr}
    assert {"math", "a", "em", "code", "script", "meta"} <= tags
    assert any(name.endswith("sitemap.xml") for name in benign.files)


def test_the_search_client_renders_results_as_text_nodes() -> None:
    for script in sorted((ROOT / "static").glob("*.js")):
        source = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{script.name} uses {sink}"
