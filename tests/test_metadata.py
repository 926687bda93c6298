"""Scholarly metadata on built pages, read back as Google Scholar, Zotero and previews do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import extruct
import pytest

from scholarsite.build import BuildOptions, build_site
from scholarsite.check.htmlfacts import HtmlFacts, html_facts
from tests.test_publish import TRICKY_TITLE, write_tiny_source

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://example.org/repo/"
GPT4O = "papers/gpt-4o-system-card/index.html"
UNTITLED = "papers/arxiv-2407-16226/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("meta") / "build"
    build_site(BuildOptions(ROOT / "site_src", output, base_url=BASE))
    return output


@pytest.fixture(scope="module")
def relative_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("meta-relative") / "build"
    build_site(BuildOptions(ROOT / "site_src", output))
    return output


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def structured(site: Path, path: str) -> dict[str, Any]:
    data: dict[str, Any] = extruct.extract(
        page(site, path), base_url=BASE + path, syntaxes=["json-ld", "opengraph"], uniform=True
    )
    return data


def one_of_type(items: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (item,) = [i for i in items if i.get("@type") == kind]
    return item


def highwire(site: Path, path: str) -> HtmlFacts:
    return html_facts(page(site, path))


def test_gpt4o_json_ld_is_a_scholarly_article(site: Path) -> None:
    article = one_of_type(structured(site, GPT4O)["json-ld"], "ScholarlyArticle")
    assert article["name"] == article["headline"] == "GPT-4o System Card"
    assert article["datePublished"] == "2024"
    assert article["identifier"] == {
        "@type": "PropertyValue",
        "propertyID": "arXiv",
        "value": "2410.21276",
    }
    assert article["url"] == BASE + "papers/gpt-4o-system-card/"
    authors = article["author"]
    assert len(authors) == 416
    assert all(a["@type"] == "Person" and a["url"].startswith(BASE + "authors/") for a in authors)
    assert {
        "@type": "Person",
        "name": "Aleksander Mądry",
        "url": BASE + "authors/aleksander-madry/",
    } in authors


def test_gpt4o_highwire_tags_meet_google_scholar(site: Path) -> None:
    facts = highwire(site, GPT4O)
    assert facts.meta_values("citation_title") == ["GPT-4o System Card"]
    authors = facts.meta_values("citation_author")
    assert len(authors) == 416
    assert authors[:2] == ["OpenAI", "Hurst, Aaron"]
    assert "Mądry, Aleksander" in authors
    assert facts.meta_values("citation_publication_date") == ["2024"]
    assert facts.meta_values("citation_arxiv_id") == ["2410.21276"]
    assert facts.meta_values("citation_abstract_html_url") == [BASE + "papers/gpt-4o-system-card/"]
    assert facts.meta_values("citation_pdf_url") == []


def test_citation_abstract_is_plain_text(site: Path) -> None:
    (abstract,) = highwire(
        site, "papers/tensor-programs-v-tuning-large-neural-networks-via-zero-shot/index.html"
    ).meta_values("citation_abstract")
    assert abstract.startswith("Hyperparameter (HP) tuning")
    assert "$" not in abstract and "\\" not in abstract


def test_opengraph_uses_the_canonical_url(site: Path) -> None:
    og = structured(site, GPT4O)["opengraph"][0]
    assert og["og:title"] == "GPT-4o System Card"
    assert og["@type"] == "article"
    assert og["og:url"] == BASE + "papers/gpt-4o-system-card/"
    assert 'rel="canonical" href="https://example.org/repo/papers/gpt-4o-system-card/"' in page(
        site, GPT4O
    )


def test_untitled_paper_has_honest_metadata(site: Path) -> None:
    facts = highwire(site, UNTITLED)
    assert facts.meta_values("citation_title") == []
    assert facts.meta_values("citation_publication_date") == ["2024"]
    article = one_of_type(structured(site, UNTITLED)["json-ld"], "ScholarlyArticle")
    assert "name" not in article and "headline" not in article
    assert article["creditText"] == "Author list incomplete"
    og = structured(site, UNTITLED)["opengraph"][0]
    assert og["og:title"].startswith("Untitled paper: ")


def test_author_page_is_a_profile_page(site: Path) -> None:
    data = structured(site, "authors/cheng-lu/index.html")
    profile = one_of_type(data["json-ld"], "ProfilePage")
    person = profile["mainEntity"]
    assert person == {
        "@type": "Person",
        "name": "Cheng Lu",
        "familyName": "Lu",
        "givenName": "Cheng",
        "url": BASE + "authors/cheng-lu/",
    }
    assert data["opengraph"][0]["@type"] == "profile"


def test_without_base_url_links_in_metadata_are_relative(relative_site: Path) -> None:
    facts = highwire(relative_site, GPT4O)
    assert facts.meta_values("citation_abstract_html_url") == []
    assert facts.meta_values("og:url") == []
    (text, _line) = facts.json_ld[0]
    article = json.loads(text)
    assert article["url"] == "../../papers/gpt-4o-system-card/index.html"
    assert article["author"][1]["url"] == "../../authors/aaron-hurst/index.html"


def test_corpus_text_cannot_close_the_json_ld_script(tmp_path: Path) -> None:
    source = write_tiny_source(tmp_path / "site_src")
    output = tmp_path / "build"
    build_site(BuildOptions(source, output, base_url=BASE))
    (path,) = [p for p in output.glob("papers/braces-*/index.html")]
    html = path.read_text(encoding="utf-8")
    assert "<script>alert" not in html
    article = one_of_type(
        extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"], "ScholarlyArticle"
    )
    assert article["name"] == TRICKY_TITLE
    assert highwire(output, path.relative_to(output).as_posix()).meta_values("citation_title") == [
        TRICKY_TITLE
    ]


def test_cite_block_offers_bibtex_and_downloads(site: Path) -> None:
    html = page(site, GPT4O)
    assert 'data-copy="bibtex-gpt-4o-system-card"' in html
    assert "@misc{openai2024gpt4o," in html
    facts = highwire(site, GPT4O)
    downloads = [link.url for link in facts.links if link.url.endswith((".bib", ".ris"))]
    assert downloads[:2] == [
        "../../papers/gpt-4o-system-card/cite.bib",
        "../../papers/gpt-4o-system-card/cite.ris",
    ]
    assert all((site / GPT4O).parent.joinpath(d).resolve().is_file() for d in downloads)
