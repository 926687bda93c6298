"""schema.org JSON-LD for paper and author pages: a ``ScholarlyArticle`` with its authors as
``Person``s, and a ``ProfilePage`` whose main entity is the person.

Templates serialize these with ``json_script``. An untitled paper gets no name and an unnamed
profile no name: search engines should not index an invented one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

JsonObject = dict[str, Any]


def person_names(citation_name: str | None) -> JsonObject:
    """``familyName`` and ``givenName`` from a ``Last, First`` citation name that has both."""
    if not citation_name or ", " not in citation_name:
        return {}
    family, given = citation_name.split(", ", 1)
    return {"familyName": family, "givenName": given}


def scholarly_article(
    *,
    url: str,
    title: str | None,
    authors: Sequence[tuple[str, str]],
    description: str,
    abstract: str,
    year: int | None,
    arxiv: str | None,
    abs_url: str | None,
    authors_complete: bool,
) -> JsonObject:
    """A paper; ``authors`` are (name, page URL) of its named authors."""
    article: JsonObject = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "url": url,
        "author": [{"@type": "Person", "name": name, "url": link} for name, link in authors],
        "description": description,
    }
    if title is not None:
        article.update(name=title, headline=title)
    if year:
        article["datePublished"] = str(year)
    if abstract:
        article["abstract"] = abstract
    if arxiv:
        article["identifier"] = {"@type": "PropertyValue", "propertyID": "arXiv", "value": arxiv}
        article["sameAs"] = abs_url
    if not authors_complete:
        article["creditText"] = "Author list incomplete"
    return article


def profile_page(
    *, url: str, name: str | None, variants: Sequence[str], citation_name: str | None
) -> JsonObject:
    """A person's page; ``name`` is None for an unnamed profile."""
    person: JsonObject = {"@type": "Person", "url": url}
    if name is not None:
        person["name"] = name
    if variants:
        person["alternateName"] = list(variants)
    person.update(person_names(citation_name))
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": person,
    }


def link_maker(base_url: str, root: str) -> Callable[[str], str]:
    """Site path -> the URL JSON-LD gives it: absolute with a base URL, else relative to the
    page (ending in ``index.html``, as every internal link does)."""
    if base_url:
        return lambda path: base_url + path
    return lambda path: root + path + "index.html"


__all__ = ["link_maker", "person_names", "profile_page", "scholarly_article"]
