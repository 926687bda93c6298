"""``scholarsite check``: lint the corpus and validate the built site.

The built site: every internal link and ``#fragment`` resolves — at a domain root, under a
subpath (``/repo/``) and from ``file://`` —, no two outputs collide, the build matches the
source, and every paper page carries the tags Google Scholar requires. The corpus: likely name
variants of one person (ranked, with the ``curation.yaml`` lines that would merge them),
untitled papers, papers without authors or year, and unacknowledged source warnings.

Errors (the site is broken) make the command exit 1; warnings (the data is incomplete) do not.
"""

from __future__ import annotations

import bisect
import functools
import html
import json
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urljoin, urlsplit

from scholarsite.build import SiteInput, read_site
from scholarsite.curation import acknowledge
from scholarsite.errors import BuildFailed
from scholarsite.model import Corpus, Paper, Person
from scholarsite.naming import fold
from scholarsite.pages import MarkdownPage
from scholarsite.publish import publishing_problems

ERROR, WARNING = "error", "warning"
EXIT_OK, EXIT_FAILED = 0, 1


@dataclass(frozen=True, order=True)
class Finding:
    """One result of the check: where, what, how bad, and (optionally) the fix to paste."""

    severity: str
    kind: str
    file: str
    line: int
    message: str
    fix: str = ""

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "severity": self.severity,
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
        if self.fix:
            data["fix"] = self.fix
        return data


def error(kind: str, file: str, line: int, message: str, fix: str = "") -> Finding:
    return Finding(ERROR, kind, file, line, message, fix)


def warning(kind: str, file: str, line: int, message: str, fix: str = "") -> Finding:
    return Finding(WARNING, kind, file, line, message, fix)


# --- the command -------------------------------------------------------------------------------


def run_check(source: Path, output: Path, *, as_json: bool, stream: TextIO) -> int:
    """Check ``source`` and the site built from it in ``output``; report; 1 if any error."""
    findings, variants = check_all(source, output)
    if as_json:
        stream.write(json_report(findings, variants))
    else:
        stream.write(text_report(findings, variants, output))
    return EXIT_FAILED if any(f.severity == ERROR for f in findings) else EXIT_OK


def check_all(source: Path, output: Path) -> tuple[list[Finding], list[Variant]]:
    try:
        site = read_site(source)
    except BuildFailed as failure:
        return [error("source", p.file, p.line, p.message) for p in failure.problems], []
    variants = likely_variants(site.corpus.people)
    findings = corpus_findings(site) + [variant_finding(v) for v in variants]
    if not output.is_dir():
        findings.append(
            error(
                "build",
                str(output),
                0,
                "no built site here: run `scholarsite build` first (or pass --output DIR)",
            )
        )
    else:
        built = read_built_site(output)
        findings += site_findings(built, site)
    return sorted(set(findings), key=_finding_order), variants


def _finding_order(f: Finding) -> tuple[int, str, int, str, str]:
    return (f.severity != ERROR, f.file, f.line, f.kind, f.message)


# --- corpus lint -------------------------------------------------------------------------------


def corpus_findings(site: SiteInput) -> list[Finding]:
    problems = acknowledge(sorted(set(site.problems)), site.curation)
    findings = [
        warning("source", p.file, p.line, p.message) for p in problems if not p.acknowledged
    ]
    for paper in site.corpus.papers:
        findings += paper_findings(paper)
    return findings


def paper_findings(paper: Paper) -> list[Finding]:
    """Untitled, author-less and undated papers: each keeps the paper out of Google Scholar."""
    first = paper.sources[0]
    where = (first.file, first.line)
    match = _curation_match(paper)
    found = []
    if paper.title is None:
        found.append(
            warning(
                "untitled",
                *where,
                f"paper {paper.id} has no title: its page has no "
                "citation_title, so Google Scholar will not index it; add a title in "
                "curation.yaml",
                f'papers:\n  - match: {match}\n    title: "…"\n',
            )
        )
    if not paper.authors_complete:
        found.append(
            warning(
                "no-authors",
                *where,
                f"paper {paper.id} has no author list: it shows the "
                "profile owners only; add authors in curation.yaml",
                f'papers:\n  - match: {match}\n    authors: ["Last, First", …]\n',
            )
        )
    if paper.year is None:
        found.append(
            warning(
                "no-year",
                *where,
                f"paper {paper.id} has no year (no arXiv id): Google "
                "Scholar requires citation_publication_date; add its arxiv id in curation.yaml",
                f'papers:\n  - match: {match}\n    arxiv: "YYMM.NNNNN"\n',
            )
        )
    return found


def _curation_match(paper: Paper) -> str:
    if paper.arxiv:
        return "{arxiv: " + json.dumps(paper.arxiv) + "}"
    return "{id: " + json.dumps(paper.id) + "}"


def variant_finding(variant: Variant) -> Finding:
    keep, other = variant.names
    return warning(
        "name-variant",
        "corpus",
        0,
        f"{keep!r} and {other!r} are probably one person ({variant.reason}; "
        f"likelihood {variant.score:.2f}); if so, merge them in curation.yaml",
        variant.snippet(),
    )


# --- name variants -----------------------------------------------------------------------------

PREFIX_SCORE = 0.9
SHORT_PREFIX = 3
INITIALS_SCORE = 0.75
TYPO_SCORE = 0.85
TYPO_STEP = 0.15
_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Variant:
    """Two spellings that are probably one person; ``keep`` is the spelling to show."""

    keep: Person
    other: Person
    score: float
    reason: str

    @property
    def names(self) -> tuple[str, str]:
        return (_citation(self.keep), _citation(self.other))

    def snippet(self) -> str:
        return curation_snippet([self])


def _citation(person: Person) -> str:
    return person.citation_name or person.name or person.id


def _parts(person: Person) -> tuple[str, str] | None:
    """Folded (family, given) of a two-part name; None for single-part or unnamed people."""
    citation = person.citation_name or ""
    last, sep, first = citation.partition(", ")
    if not sep or not last.strip() or not first.strip():
        return None
    return fold(last.strip()), fold(first.strip())


def given_names_compatible(short: str, long: str) -> str | None:
    """How ``short`` abbreviates ``long`` (``"prefix"`` or ``"initials"``), or None."""
    a, b = _TOKEN.findall(short), _TOKEN.findall(long)
    if not a or len(a) > len(b) or a == b:
        return None
    if not all(y.startswith(x) for x, y in zip(a, b, strict=False)):
        return None
    if len(a) < len(b) and len(a[-1]) > 1 and a[-1] != b[len(a) - 1]:
        return None
    return "initials" if any(len(x) == 1 for x in a) else "prefix"


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it is certainly larger than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_limit(name: str) -> int:
    """Edits that still look like a typo: none below 5 letters, one from 5, two from 9."""
    return 0 if len(name) < 5 else 1 if len(name) < 9 else 2


def _order(a: Person, b: Person) -> tuple[Person, Person]:
    """Show the spelling with more papers; then the longer (fuller) one; then alphabetically."""

    def rank(p: Person) -> tuple[int, int, str]:
        return (-len(p.papers), -len(_citation(p)), _citation(p))

    return (a, b) if rank(a) <= rank(b) else (b, a)


def _pair(a: Person, b: Person, score: float, reason: str) -> Variant:
    keep, other = _order(a, b)
    return Variant(keep, other, round(score, 3), reason)


def _same_family(people: Sequence[tuple[Person, str, str]]) -> Iterable[Variant]:
    for (p, _, first_p), (q, _, first_q) in combinations(people, 2):
        short, long = sorted((first_p, first_q), key=lambda s: (len(s), s))
        kind = given_names_compatible(short, long)
        if kind is None:
            continue
        score = INITIALS_SCORE if kind == "initials" else PREFIX_SCORE
        if kind == "prefix" and len(short) < SHORT_PREFIX:
            score = INITIALS_SCORE  # "Yu" / "Yuchen" is weaker evidence than "Phil" / "Philippe"
        yield _pair(p, q, score, f"same family name; given name {short!r} {kind} of {long!r}")


def _same_given(people: Sequence[tuple[Person, str, str]]) -> Iterable[Variant]:
    for (p, last_p, _), (q, last_q, _) in combinations(people, 2):
        limit = typo_limit(min(last_p, last_q, key=len))
        distance = edit_distance(last_p, last_q, limit)
        if 0 < distance <= limit:
            score = TYPO_SCORE - TYPO_STEP * (distance - 1)
            plural = "s" if distance > 1 else ""
            reason = f"same given name; family names differ by {distance} letter{plural}"
            yield _pair(p, q, score, reason)


def likely_variants(people: Iterable[Person]) -> list[Variant]:
    """Every likely pair, most likely first (score, then similarity of the full names)."""
    by_family: dict[str, list[tuple[Person, str, str]]] = defaultdict(list)
    by_given: dict[str, list[tuple[Person, str, str]]] = defaultdict(list)
    for person in sorted(people, key=lambda p: p.id):
        parts = _parts(person)
        if parts is not None:
            by_family[parts[0]].append((person, *parts))
            by_given[parts[1]].append((person, *parts))
    found: dict[tuple[str, str], Variant] = {}
    for group in by_family.values():
        for variant in _same_family(group):
            found.setdefault(_ids(variant), variant)
    for group in by_given.values():
        for variant in _same_given(group):
            found.setdefault(_ids(variant), variant)
    return sorted(found.values(), key=_rank)


def _ids(variant: Variant) -> tuple[str, str]:
    a, b = sorted((variant.keep.id, variant.other.id))
    return (a, b)


def _rank(variant: Variant) -> tuple[float, float, str, str]:
    keep, other = (fold(n) for n in variant.names)
    similarity = SequenceMatcher(None, keep, other).ratio()
    return (-variant.score, -similarity, *variant.names)


def curation_snippet(variants: Sequence[Variant]) -> str:
    """The ``curation.yaml`` lines that would merge the pairs (the first spelling is shown)."""
    lines = ["people:", "  same_person:"]
    lines += [
        f"    - [{json.dumps(v.names[0], ensure_ascii=False)}, "
        f"{json.dumps(v.names[1], ensure_ascii=False)}]"
        for v in variants
    ]
    return "\n".join(lines) + "\n"


# --- the built site ----------------------------------------------------------------------------

LINK_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "link": "href",
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "form": "action",
}
SUBPATH = "/sub/repo/"
DEEP_404 = "missing/a/b/c"
_SIMULATED_HOST = "https://check.invalid"
_SIMULATED_NETLOC = "check.invalid"
NOT_FOUND = "404.html"


@dataclass(frozen=True)
class Link:
    url: str
    line: int
    tag: str


@dataclass
class HtmlFacts:
    """What the check needs from one HTML page."""

    ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    meta: list[tuple[str, str, int]] = field(default_factory=list)
    json_ld: list[tuple[str, int]] = field(default_factory=list)
    canonical: str | None = None

    def meta_values(self, name: str) -> list[str]:
        return [content for key, content, _ in self.meta if key == name]


# The generated pages are read with a tag scanner rather than html.parser: it is an order of
# magnitude faster on pages with hundreds of author links, and it sees what a browser sees for
# well-formed HTML (comments skipped, script and style contents not scanned for tags).
_TAG = re.compile(
    r"<!--.*?-->|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_RAW_TEXT = ("script", "style")


def _attributes(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        raw = next((g for g in match.groups()[1:] if g is not None), "")
        values.setdefault(match.group(1).lower(), html.unescape(raw))
    return values


def _record(facts: HtmlFacts, tag: str, values: dict[str, str], line: int) -> None:
    if "id" in values:
        facts.ids.add(values["id"])
    if tag == "a" and "name" in values:
        facts.ids.add(values["name"])
    attribute = LINK_ATTRIBUTES.get(tag)
    if attribute and attribute in values:
        facts.links.append(Link(values[attribute].strip(), line, tag))
    if tag == "link" and "canonical" in values.get("rel", "").split():
        facts.canonical = values.get("href")
    if tag == "meta":
        key = values.get("name") or values.get("property")
        if key:
            facts.meta.append((key, values.get("content", ""), line))


def html_facts(text: str) -> HtmlFacts:
    """Ids, links (with line numbers), meta tags, canonical link and JSON-LD blocks of a page."""
    facts = HtmlFacts()
    newlines = [m.start() for m in re.finditer("\n", text)]
    lowered = text.lower()
    pos = 0
    while (match := _TAG.search(text, pos)) is not None:
        pos = match.end()
        tag = (match.group(1) or "").lower()
        if not tag:
            continue
        line = bisect.bisect_left(newlines, match.start()) + 1
        values = _attributes(match.group(2) or "")
        _record(facts, tag, values, line)
        if tag in _RAW_TEXT:
            close = lowered.find(f"</{tag}", pos)
            close = len(text) if close < 0 else close
            if tag == "script" and values.get("type") == "application/ld+json":
                facts.json_ld.append((text[pos:close], line))
            pos = close
    return facts


@dataclass(frozen=True)
class BuiltSite:
    """The output directory as paths (``/``-separated, relative) and the parsed HTML pages."""

    paths: frozenset[str]
    pages: Mapping[str, HtmlFacts]

    def exists(self, path: str) -> bool:
        return path in self.paths

    def is_dir(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        return path == "" or any(p.startswith(prefix) for p in self.paths)


def read_built_site(output: Path) -> BuiltSite:
    files = sorted(p for p in output.rglob("*") if p.is_file())
    paths = [p.relative_to(output).as_posix() for p in files]
    return built_site(
        {
            path: file.read_bytes()
            for path, file in zip(paths, files, strict=True)
            if path.endswith(".html")
        }
        | {path: b"" for path in paths if not path.endswith(".html")}
    )


def built_site(files: Mapping[str, bytes]) -> BuiltSite:
    """A site from output path → bytes (only ``.html`` contents are read)."""
    pages = {
        path: html_facts(data.decode("utf-8", errors="replace"))
        for path, data in sorted(files.items())
        if path.endswith(".html")
    }
    return BuiltSite(frozenset(files), pages)


def site_findings(built: BuiltSite, site: SiteInput) -> list[Finding]:
    base_url = site.config.base_url or inferred_base_url(built)
    findings = link_findings(built, base_url)
    if not base_url:
        no_base = publishing_problems(site.config)
        findings += [warning("publishing", p.file, p.line, p.message) for p in no_base]
    findings += collision_findings(built.paths)
    findings += planned_collisions(site.corpus, site.pages)
    findings += freshness_findings(built, site.corpus)
    findings += scholar_findings(built, site.corpus)
    findings += json_ld_findings(built)
    return findings


def inferred_base_url(built: BuiltSite) -> str:
    """The base URL the site was built with, read back from the home page's canonical link."""
    home = built.pages.get("index.html")
    return home.canonical if home and home.canonical else ""


# --- links -------------------------------------------------------------------------------------


def target_path(url: str, page: str, prefix: str) -> str | None:
    """The site path a relative link points to when the site is served under ``prefix``; None
    for links that leave the site (other hosts, ``mailto:``); ``"../…"`` when it climbs out."""
    directory, _, name = page.rpartition("/")
    if url == "" or url.startswith("?"):
        url = name + url
    return _resolve(url, directory, prefix)


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _resolve(url: str, directory: str, prefix: str) -> str | None:
    if _SCHEME.match(url) or url.startswith(("/", "?", "#")):
        return _resolve_url(url, directory, prefix)
    relative = unquote(url.split("#", 1)[0].split("?", 1)[0])
    path = posixpath.normpath(posixpath.join(prefix + directory, relative))
    if relative.endswith("/") or relative.rsplit("/", 1)[-1] in (".", ".."):
        path = path.rstrip("/") + "/"
    if not path.startswith(prefix):
        return "../" + path
    return path[len(prefix) :]


@functools.lru_cache(maxsize=1 << 12)
def _resolve_url(url: str, directory: str, prefix: str) -> str | None:
    folder = prefix + directory + "/" if directory else prefix
    resolved = urlsplit(urljoin(_SIMULATED_HOST + folder, url))
    if resolved.scheme not in ("http", "https") or resolved.netloc != _SIMULATED_NETLOC:
        return None
    path = unquote(resolved.path)
    if not path.startswith(prefix):
        return "../" + path
    return path[len(prefix) :]


def published_path(url: str, base_url: str, page: str) -> str | None:
    """The site path of a link written against the base URL (canonical links, and the 404 page's
    links from the published path); None for links of another kind."""
    if not base_url:
        return None
    if url.startswith(base_url):
        return unquote(urlsplit(url[len(base_url) :]).path)
    base_path = urlsplit(base_url).path
    if page == NOT_FOUND and url.startswith(base_path) and not url.startswith("//"):
        return unquote(urlsplit(url[len(base_path) :]).path)
    return None


def link_problem(built: BuiltSite, target: str, fragment: str, *, from_disk: bool) -> str | None:
    """Why a link target does not work, or None. ``from_disk``: the link must also work from
    ``file://``, where a directory is not its ``index.html``."""
    if target.startswith("../"):
        return "it leaves the site's directory"
    if target == "" or target.endswith("/") or (not built.exists(target) and built.is_dir(target)):
        index = target.rstrip("/") + "/index.html" if target.strip("/") else "index.html"
        if not built.exists(index):
            return "no such page"
        if from_disk:
            return f"it names a directory: works on a web server but not from file://; link {index}"
        target = index
    if not built.exists(target):
        return "no such file"
    if fragment and target in built.pages and fragment not in built.pages[target].ids:
        return f"{target} has no element with id {fragment!r}"
    return None


def link_findings(built: BuiltSite, base_url: str) -> list[Finding]:
    findings = []
    for page, facts in built.pages.items():
        for link in facts.links:
            finding = check_link(built, page, link, base_url)
            if finding is not None:
                findings.append(finding)
    return findings


def check_link(built: BuiltSite, page: str, link: Link, base_url: str) -> Finding | None:
    fragment = unquote(urlsplit(link.url).fragment)
    broken = f"<{link.tag}> link {link.url!r} is broken"
    if link.url.startswith("#"):
        if fragment and fragment not in built.pages[page].ids:
            return error("link", page, link.line, f"{broken}: no element with id {fragment!r}")
        return None
    published = published_path(link.url, base_url, page)
    if published is not None:
        reason = link_problem(built, published, fragment, from_disk=False)
        return error("link", page, link.line, f"{broken}: {reason}") if reason else None
    for prefix, where in (("/", "at the site root"), (SUBPATH, f"under a subpath ({SUBPATH})")):
        target = target_path(link.url, page, prefix)
        if target is None:
            return None
        reason = link_problem(built, target, fragment, from_disk=True)
        if reason is not None and page == NOT_FOUND and not base_url:
            return warning(
                "404-link",
                page,
                link.line,
                f"{broken} {where}: {reason}; build "
                "with --base-url so the 404 page can link from the published path",
            )
        if reason is not None:
            return error("link", page, link.line, f"{broken} {where}: {reason}")
    if page == NOT_FOUND:
        return check_deep_404(built, link, fragment, base_url)
    return None


def check_deep_404(built: BuiltSite, link: Link, fragment: str, base_url: str) -> Finding | None:
    """Hosts serve ``404.html`` at whatever address was asked for: its links must work there."""
    target = target_path(link.url, DEEP_404, SUBPATH)
    if target is None or link_problem(built, target, fragment, from_disk=False) is None:
        return None
    message = (
        f"<{link.tag}> link {link.url!r} breaks when the 404 page is served for {SUBPATH}{DEEP_404}"
    )
    if not base_url:
        return warning(
            "404-link",
            NOT_FOUND,
            link.line,
            message + ": build with --base-url so the 404 page can link from the published path",
        )
    return error("404-link", NOT_FOUND, link.line, message)


# --- collisions and freshness ------------------------------------------------------------------


def collision_findings(paths: Iterable[str]) -> list[Finding]:
    """Outputs that are one file on case-insensitive or normalizing file systems."""
    groups: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        groups[unicodedata.normalize("NFC", path).casefold()].append(path)
    return [
        error(
            "collision",
            group[0],
            0,
            "outputs collide on case-insensitive file systems "
            f"(macOS, Windows): {', '.join(group)}",
        )
        for group in groups.values()
        if len(group) > 1
    ]


def planned_outputs(corpus: Corpus, pages: Sequence[MarkdownPage]) -> list[tuple[str, str]]:
    """Every page the model asks for, with what asks for it."""
    planned = [
        (p, "the site")
        for p in (
            "index.html",
            "papers/index.html",
            "authors/index.html",
            "search/index.html",
            "404.html",
        )
    ]
    planned += [(f"{p.name}/index.html", p.source) for p in pages if p.name != "index"]
    planned += [
        (p.url + "index.html", f"paper {p.id} ({p.sources[0].file})") for p in corpus.papers
    ]
    planned += [(p.url + "index.html", f"person {p.name or p.id}") for p in corpus.people]
    return planned


def planned_collisions(corpus: Corpus, pages: Sequence[MarkdownPage]) -> list[Finding]:
    owners: dict[str, list[str]] = defaultdict(list)
    for path, owner in planned_outputs(corpus, pages):
        owners[unicodedata.normalize("NFC", path).casefold()].append(owner)
    return [
        error("collision", path, 0, f"two outputs would be written here: {' and '.join(who)}")
        for path, who in sorted(owners.items())
        if len(who) > 1
    ]


def freshness_findings(built: BuiltSite, corpus: Corpus) -> list[Finding]:
    """Paper and author pages that the source asks for but the build lacks."""
    urls = [p.url for p in corpus.papers] + [p.url for p in corpus.people]
    missing = [url + "index.html" for url in urls if not built.exists(url + "index.html")]
    if not missing:
        return []
    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
    return [
        error(
            "stale",
            missing[0],
            0,
            f"the build is out of date: {len(missing)} page(s) of "
            f"the source are missing ({shown}); run `scholarsite build`",
        )
    ]


# --- Google Scholar and JSON-LD ----------------------------------------------------------------

SCHOLAR_REQUIRED = ("citation_title", "citation_author", "citation_publication_date")


def scholar_findings(built: BuiltSite, corpus: Corpus) -> list[Finding]:
    findings = []
    for paper in corpus.papers:
        path = paper.url + "index.html"
        facts = built.pages.get(path)
        if facts is not None:
            findings += paper_page_findings(path, facts, paper, corpus)
    return findings


def expected_authors(paper: Paper, corpus: Corpus) -> list[str]:
    people = (corpus.people_by_id[pid] for pid in paper.authors)
    return [p.citation_name for p in people if p.citation_name]


def paper_page_findings(path: str, facts: HtmlFacts, paper: Paper, corpus: Corpus) -> list[Finding]:
    """Scholar's required tags where the data has them; no invented title; no off-site PDF."""
    found = []
    titles = facts.meta_values("citation_title")
    if paper.title and titles != [paper.title]:
        found.append(
            error(
                "scholar",
                path,
                0,
                f"citation_title is {titles!r}, expected "
                f"[{paper.title!r}] (Google Scholar requires exactly one)",
            )
        )
    if not paper.title and titles:
        found.append(
            error(
                "scholar",
                path,
                0,
                f"an untitled paper has citation_title {titles!r}: do not invent titles",
            )
        )
    authors = facts.meta_values("citation_author")
    if authors != expected_authors(paper, corpus):
        found.append(
            error(
                "scholar",
                path,
                0,
                f"citation_author lists {len(authors)} name(s), "
                f"expected the paper's {len(expected_authors(paper, corpus))} in "
                "order as 'Last, First'",
            )
        )
    dates = facts.meta_values("citation_publication_date")
    if paper.year and dates != [str(paper.year)]:
        found.append(
            error(
                "scholar",
                path,
                0,
                f"citation_publication_date is {dates!r}, expected ['{paper.year}']",
            )
        )
    for pdf in facts.meta_values("citation_pdf_url"):
        if urlsplit(pdf).netloc and not built_pdf_is_local(pdf, facts):
            found.append(
                error(
                    "scholar",
                    path,
                    0,
                    f"citation_pdf_url {pdf!r} points off-site: "
                    "Google Scholar ignores it; remove it",
                )
            )
    return found


def built_pdf_is_local(pdf: str, facts: HtmlFacts) -> bool:
    canonical = facts.canonical or ""
    return bool(canonical) and urlsplit(pdf).netloc == urlsplit(canonical).netloc


def json_ld_findings(built: BuiltSite) -> list[Finding]:
    found = []
    for path, facts in built.pages.items():
        for text, line in facts.json_ld:
            try:
                json.loads(text)
            except ValueError as problem:
                found.append(
                    error("json-ld", path, line, f"the JSON-LD block is not JSON: {problem}")
                )
    return found


# --- reports -----------------------------------------------------------------------------------


def json_report(findings: Sequence[Finding], variants: Sequence[Variant]) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    data = {
        "ok": errors == 0,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.as_dict() for f in findings],
        "name_variants": [
            {
                "names": list(v.names),
                "ids": [v.keep.id, v.other.id],
                "score": v.score,
                "reason": v.reason,
                "fix": v.snippet(),
            }
            for v in variants
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def text_report(findings: Sequence[Finding], variants: Sequence[Variant], output: Path) -> str:
    lines: list[str] = []
    listed = [f for f in findings if f.kind != "name-variant"]
    for finding in listed:
        lines.append(
            f"{finding.severity}: {finding.location()}: {finding.message} [{finding.kind}]"
        )
    if variants:
        lines.append("")
        lines.append(f"Likely name variants, most likely first ({len(variants)}):")
        for number, v in enumerate(variants, start=1):
            lines.append(f"  {number}. {v.names[0]} / {v.names[1]}: {v.reason} ({v.score:.2f})")
        lines.append(
            "To merge the ones that are one person, add to curation.yaml (the first "
            "spelling is the one shown):"
        )
        lines += ["  " + line for line in curation_snippet(variants).splitlines()]
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    lines.append("")
    lines.append(
        f"Checked {output}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    return "\n".join(lines) + "\n"


def iter_findings(findings: Iterable[Finding], severity: str) -> Iterator[Finding]:
    return (f for f in findings if f.severity == severity)
