"""Lint of the corpus: source warnings curation has not acknowledged, papers Google Scholar
will not index (untitled, without authors or year), and likely name variants."""

from __future__ import annotations

import json

from scholarsite.build import SiteInput
from scholarsite.check.findings import Finding, warning
from scholarsite.check.variants import Variant
from scholarsite.curation import acknowledge
from scholarsite.model import Paper


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
