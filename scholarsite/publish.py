"""Publishing conventions: sitemap, robots.txt, Atom feed, OpenSearch, citation downloads.

The citation downloads are written beside each paper's and person's page, by the worker that
renders the page (from the same view); the other files are made here for the whole site.

Every function here is pure and deterministic: it maps the model (and the site config) to output
paths and their bytes. Dates come from the data (a paper's year), never from the clock.

Absolute URLs are required by the sitemap protocol, by Atom ids and by OpenSearch templates, so
``sitemap.xml``, ``feed.xml`` and ``opensearch.xml`` are written only when the site has a base URL
(``base_url`` in site.yaml or ``--base-url``); without one, ``publishing_problems`` explains what
was left out and ``robots.txt`` carries no ``Sitemap:`` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from scholarsite.cite import ris_file
from scholarsite.config import SiteConfig
from scholarsite.errors import Problem
from scholarsite.model import Corpus, Paper
from scholarsite.naming import slugify
from scholarsite.text import abstract_plain_text

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
FEED_ENTRIES = 100
SHORT_NAME_MAX = 16  # OpenSearch: ShortName is at most 16 characters
XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 forbids even when escaped; corpus text may carry them.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Where each paper's and person's citation downloads go, relative to their page.
PAPER_BIBTEX = "cite.bib"
PAPER_RIS = "cite.ris"
PERSON_BIBTEX = "papers.bib"


def publish_files(corpus: Corpus, config: SiteConfig, page_urls: Sequence[str]) -> dict[str, bytes]:
    """The site-wide publishing files: output path → content. ``page_urls`` are the site's HTML
    pages (``""``, ``papers/``, ``papers/<id>/``, …) that belong in the sitemap (not 404.html)."""
    files = {"robots.txt": robots_txt(config.base_url)}
    files["sitemap.xml"] = sitemap_xml(config.base_url, page_urls)
    files["feed.xml"] = atom_feed(corpus, config)
    if config.base_url:
        files["opensearch.xml"] = opensearch_xml(config)
    return files


def publishing_problems(config: SiteConfig) -> list[Problem]:
    """What a build without a base URL leaves out, and how to get it."""
    if config.base_url:
        return []
    return [
        Problem(
            "site.yaml",
            0,
            "no base_url: sitemap.xml and feed.xml link with site-relative URLs, which search "
            "engines do not accept, and opensearch.xml (it needs an absolute URL) was not "
            "written; set base_url in site.yaml or build with --base-url URL",
        )
    ]


def escape(text: str) -> str:
    """XML character data: markup escaped, forbidden control characters dropped."""
    return _escape(_XML_FORBIDDEN.sub("", text))


def quoteattr(text: str) -> str:
    return _quoteattr(_XML_FORBIDDEN.sub("", text))


def absolute(base_url: str, url: str) -> str:
    """A site path made absolute against the base URL (which ends with ``/``); without one, the
    path relative to the site root (``./`` for the home page), which resolves from files there."""
    return base_url + url if base_url else (url or "./")


def entry_id(base_url: str, paper: Paper) -> str:
    """An Atom id must be an absolute IRI: the page's URL, or without a base URL the paper's
    arXiv address, or a URN of its id."""
    if base_url:
        return absolute(base_url, paper.url)
    if paper.arxiv:
        return f"https://arxiv.org/abs/{paper.arxiv}"
    return f"urn:scholarsite:paper:{paper.id}"


# --- citation downloads --------------------------------------------------------------------------


def paper_downloads(bibtex: str, ris: str) -> dict[str, bytes]:
    """The files beside a paper's page: its BibTeX and RIS entries."""
    return {PAPER_BIBTEX: bibtex.encode("utf-8"), PAPER_RIS: ris_file([ris]).encode("utf-8")}


def person_downloads(bibtex_entries: Sequence[bytes]) -> dict[str, bytes]:
    """The file beside a person's page: the BibTeX entries of their papers, in UTF-8 (none
    without papers)."""
    if not bibtex_entries:
        return {}
    return {PERSON_BIBTEX: b"\n".join(bibtex_entries)}


# --- robots.txt and sitemap.xml ------------------------------------------------------------------


def robots_txt(base_url: str) -> bytes:
    """Allow everything; point to the sitemap when its absolute URL is known.

    Crawlers read robots.txt only at a host's root: under a subpath this file is harmless but
    unread, and the sitemap can be submitted to search consoles directly.
    """
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {absolute(base_url, 'sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_xml(base_url: str, page_urls: Iterable[str]) -> bytes:
    """Every page once, sorted, with absolute URLs; no ``lastmod`` (the data has no such date)."""
    urls = sorted(set(page_urls))
    body = "".join(f"<url><loc>{escape(absolute(base_url, url))}</loc></url>\n" for url in urls)
    return f'{XML_HEADER}<urlset xmlns="{SITEMAP_NS}">\n{body}</urlset>\n'.encode()


# --- Atom feed -----------------------------------------------------------------------------------


def year_timestamp(year: int) -> str:
    """A paper's date as Atom wants it: the data gives a year, so the first instant of it."""
    return f"{year:04d}-01-01T00:00:00Z"


def feed_papers(corpus: Corpus, limit: int = FEED_ENTRIES) -> list[Paper]:
    """Dated papers, newest first (corpus order); undated papers have no place in a dated feed."""
    return [paper for paper in corpus.papers if paper.year is not None][:limit]


def atom_feed(corpus: Corpus, config: SiteConfig) -> bytes:
    base = config.base_url
    papers = feed_papers(corpus)
    updated = year_timestamp(max(p.year or 0 for p in papers)) if papers else year_timestamp(1970)
    head = [
        f'<feed xmlns="{ATOM_NS}" xml:lang={quoteattr(config.language)}>',
        f"<id>{escape(base or 'urn:scholarsite:site:' + slugify(config.title))}</id>",
        f"<title>{escape(config.title)}</title>",
    ]
    if config.description:
        head.append(f"<subtitle>{escape(config.description)}</subtitle>")
    head += [
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(config.author or config.title)}</name></author>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(base + "feed.xml")}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(absolute(base, ""))}/>',
        "<generator>scholarsite</generator>",
    ]
    entries = [feed_entry(paper, corpus, base) for paper in papers]
    return (XML_HEADER + "\n".join([*head, *entries, "</feed>"]) + "\n").encode("utf-8")


def entry_title(paper: Paper) -> str:
    """The title, or an honest marker and the abstract's first words for an untitled paper."""
    if paper.title:
        return paper.title
    words = abstract_plain_text(paper.abstract).split()
    return "Untitled: " + " ".join(words[:12]) + ("…" if len(words) > 12 else "")


def feed_entry(paper: Paper, corpus: Corpus, base_url: str) -> str:
    url = absolute(base_url, paper.url)
    date = year_timestamp(paper.year or 1970)
    lines = [
        "<entry>",
        f"<id>{escape(entry_id(base_url, paper))}</id>",
        f"<title>{escape(entry_title(paper))}</title>",
        f'<link rel="alternate" type="text/html" href={quoteattr(url)}/>',
        f"<published>{date}</published>",
        f"<updated>{date}</updated>",
    ]
    for pid in paper.authors:
        person = corpus.people_by_id[pid]
        name = person.name or "Unnamed profile"
        person_url = absolute(base_url, person.url)
        lines.append(f"<author><name>{escape(name)}</name><uri>{escape(person_url)}</uri></author>")
    if paper.arxiv:
        arxiv = f"https://arxiv.org/abs/{paper.arxiv}"
        lines.append(f'<link rel="related" type="text/html" href={quoteattr(arxiv)}/>')
    summary = abstract_plain_text(paper.abstract)
    if summary:
        lines.append(f'<summary type="text">{escape(summary)}</summary>')
    lines.append("</entry>")
    return "\n".join(lines)


# --- OpenSearch ----------------------------------------------------------------------------------


def short_name(title: str) -> str:
    """At most 16 characters, cut at a word boundary when there is one."""
    if len(title) <= SHORT_NAME_MAX:
        return title
    cut = title[:SHORT_NAME_MAX]
    if title[SHORT_NAME_MAX] == " " or " " not in cut:
        return cut.strip()
    return cut.rsplit(" ", 1)[0]


def opensearch_xml(config: SiteConfig) -> bytes:
    """Lets browsers search the site from the address bar (``<link rel="search">`` points here)."""
    template = absolute(config.base_url, "search/index.html") + "?q={searchTerms}"
    lines = [
        f'<OpenSearchDescription xmlns="{OPENSEARCH_NS}">',
        f"<ShortName>{escape(short_name(config.title))}</ShortName>",
        f"<Description>{escape('Search papers and people on ' + config.title)}</Description>",
        "<InputEncoding>UTF-8</InputEncoding>",
        f"<Language>{escape(config.language)}</Language>",
        f'<Url type="text/html" method="get" template={quoteattr(template)}/>',
        f'<Url type="application/opensearchdescription+xml" rel="self" '
        f"template={quoteattr(absolute(config.base_url, 'opensearch.xml'))}/>",
        "</OpenSearchDescription>",
    ]
    return (XML_HEADER + "\n".join(lines) + "\n").encode("utf-8")


def page_urls_for_sitemap(paths: Iterable[str]) -> list[str]:
    """Output HTML paths (``papers/x/index.html``) as page URLs, leaving out ``404.html``."""
    return sorted(
        path.removesuffix("index.html")
        for path in paths
        if path.endswith(".html") and path != "404.html"
    )


__all__ = [
    "PAPER_BIBTEX",
    "PAPER_RIS",
    "PERSON_BIBTEX",
    "atom_feed",
    "opensearch_xml",
    "page_urls_for_sitemap",
    "paper_downloads",
    "person_downloads",
    "publish_files",
    "publishing_problems",
    "robots_txt",
    "sitemap_xml",
]
