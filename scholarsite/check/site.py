"""Validation of the built site: every internal link and ``#fragment`` resolves (at a domain
root, under a subpath and from ``file://``), no two outputs collide, the build matches the
source, and every paper page carries the tags Google Scholar requires."""

from __future__ import annotations

import functools
import json
import posixpath
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from scholarsite.build import SiteInput
from scholarsite.check.findings import Finding, error, warning
from scholarsite.check.htmlfacts import HtmlFacts, Link, html_facts
from scholarsite.model import Corpus, Paper
from scholarsite.pages import MarkdownPage
from scholarsite.publish import publishing_problems

SUBPATH = "/sub/repo/"
DEEP_404 = "missing/a/b/c"
_SIMULATED_HOST = "https://check.invalid"
_SIMULATED_NETLOC = "check.invalid"
NOT_FOUND = "404.html"


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
