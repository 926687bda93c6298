"""`scholarsite check`: the built site's links, collisions and Scholar tags; the corpus lint."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from scholarsite.build import BuildOptions, build_site, read_site
from scholarsite.check import run_check
from scholarsite.check.findings import Finding
from scholarsite.check.htmlfacts import html_facts
from scholarsite.check.site import (
    built_site,
    collision_findings,
    link_findings,
    paper_page_findings,
)
from scholarsite.check.variants import edit_distance, given_names_compatible, likely_variants
from scholarsite.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "site_src"
BASE = "https://example.org/repo/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("check") / "build"
    build_site(BuildOptions(SHIPPED, output, base_url=BASE))
    return output


def check_json(source: Path, output: Path) -> tuple[int, dict[str, object]]:
    stream = io.StringIO()
    code = run_check(source, output, as_json=True, stream=stream)
    return code, json.loads(stream.getvalue())


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


# --- the whole command ---------------------------------------------------------------------------


def test_shipped_site_has_warnings_and_no_errors(built: Path) -> None:
    code, report = check_json(SHIPPED, built)
    errors = [f for f in report["findings"] if f["severity"] == "error"]  # type: ignore[union-attr]
    assert errors == []
    assert code == 1 and report["ok"] is False
    found = {f["kind"] for f in report["findings"]}  # type: ignore[union-attr]
    assert {"untitled", "no-year", "no-authors"} <= found
    untitled = [f for f in report["findings"] if f["kind"] == "untitled"]  # type: ignore[union-attr]
    assert any(
        "arxiv-2407-16226" in f["message"] and 'arxiv: "2407.16226"' in f["fix"] for f in untitled
    )


def test_broken_link_fails_with_file_and_line(built: Path, tmp_path: Path) -> None:
    output = tmp_path / "build"
    shutil.copytree(built, output)
    about = output / "about/index.html"
    about.write_text(
        about.read_text("utf-8") + '\n<a href="../papers/nope/index.html">x</a>\n', "utf-8"
    )
    stream = io.StringIO()
    assert run_check(SHIPPED, output, as_json=False, stream=stream) == 1
    text = stream.getvalue()
    line = about.read_text("utf-8").count("\n")
    assert f"error: about/index.html:{line}: <a> link '../papers/nope/index.html' is broken" in text
    assert "1 error" in text


def test_warnings_fail_the_check_unless_only_errors_should(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["check", "--source", str(SHIPPED), "--output", str(built), "--json"]
    assert main(command) == 1  # the shipped corpus has untitled papers: problems, not errors
    report = json.loads(capsys.readouterr().out)
    assert (report["ok"], report["errors"]) == (False, 0) and report["warnings"] > 0
    assert main([*command, "--fail-on", "error"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_a_corpus_with_nothing_to_report_passes(tmp_path: Path) -> None:
    source = tmp_path / "site_src"
    (source / "corpus").mkdir(parents=True)
    (source / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n")
    (source / "corpus" / "a.txt").write_text(
        "Lu, Cheng\nA title\nLu, Cheng, Song, Yang\nAn abstract.\n"
    )
    (source / "curation.yaml").write_text(
        "papers:\n  - match: {abstract_starts: An abstract}\n    arxiv: '2101.00001'\n"
    )
    assert main(["build", "--source", str(source), "--output", str(tmp_path / "out")]) == 0
    assert main(["check", "--source", str(source), "--output", str(tmp_path / "out")]) == 0


def test_missing_build_is_an_error(tmp_path: Path) -> None:
    code, report = check_json(SHIPPED, tmp_path / "absent")
    assert code == 1
    assert any("scholarsite build" in f["message"] for f in report["findings"])  # type: ignore[union-attr]


def test_stale_build_is_an_error(built: Path, tmp_path: Path) -> None:
    output = tmp_path / "build"
    shutil.copytree(built, output)
    shutil.rmtree(output / "papers/gpt-4o-system-card")
    code, report = check_json(SHIPPED, output)
    assert code == 1
    assert "stale" in {f["kind"] for f in report["findings"]}  # type: ignore[union-attr]


# --- name variants -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def uncurated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("uncurated") / "site_src"
    shutil.copytree(SHIPPED / "corpus", source / "corpus")
    return source


def test_variants_of_the_dumps_are_found_and_ranked(uncurated: Path) -> None:
    variants = likely_variants(read_site(uncurated).corpus.people)
    names = [v.names for v in variants]
    assert ("Tillet, Philippe", "Tillet, Phil") in names
    assert ("Tootoonchian, Amin", "Tootoochian, Amin") in names
    tillet = names.index(("Tillet, Philippe", "Tillet, Phil"))
    weak = names.index(("Zhang, Yuchen", "Zhang, Yu"))
    assert tillet < weak, "a four-letter given-name prefix outranks a two-letter one"
    assert variants == sorted(variants, key=lambda v: -v.score)


def test_variant_snippet_merges_them_when_pasted(uncurated: Path, tmp_path: Path) -> None:
    variants = likely_variants(read_site(uncurated).corpus.people)
    chosen = [v for v in variants if v.names[0].startswith(("Tillet", "Tootoonchian"))]
    snippet = chosen[0].snippet()
    assert yaml.safe_load(snippet) == {"people": {"same_person": [list(chosen[0].names)]}}
    source = tmp_path / "site_src"
    shutil.copytree(uncurated, source)
    merged = "people:\n  same_person:\n" + "".join(
        v.snippet().split("same_person:\n", 1)[1] for v in chosen
    )
    (source / "curation.yaml").write_text(merged, encoding="utf-8")
    after = [v.names for v in likely_variants(read_site(source).corpus.people)]
    assert not any(n[0].startswith(("Tillet", "Tootoonchian")) for n in after)


def test_variants_curation_tells_apart_are_no_longer_listed(
    site_copy: Path, tmp_path: Path
) -> None:
    curation = site_copy / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    told = (
        "  different_people:\n"
        '    - ["Zhang, Yuchen", "Zhang, Yu"]\n'
        '    - ["Doe, Jane", "Doe, J."]\n'
    )
    curation.write_text(text.replace("people:\n", "people:\n" + told, 1), encoding="utf-8")
    line = text[: text.index("people:\n")].count("\n") + 4  # the Doe entry's line
    _code, report = check_json(site_copy, tmp_path / "absent")
    variants: Any = report["name_variants"]
    findings: Any = report["findings"]
    names = [v["names"] for v in variants]
    assert ["Zhang, Yuchen", "Zhang, Yu"] not in names
    assert ["Kirillov, Alexander", "Kirillov, Alex"] in names
    assert [(f["line"], f["message"]) for f in findings if f["file"] == "curation.yaml"] == [
        (
            line,
            "people.different_people ['Doe, Jane', 'Doe, J.'] matches no author or profile "
            "owner: check the spellings against the dumps",
        )
    ]


def test_json_lists_variants_with_their_fix(uncurated: Path, tmp_path: Path) -> None:
    _code, report = check_json(uncurated, tmp_path / "absent")
    first = report["name_variants"][0]  # type: ignore[index]
    assert first["names"] == ["Tillet, Philippe", "Tillet, Phil"]
    assert first["fix"].startswith("people:\n  same_person:\n")


def test_name_comparisons() -> None:
    assert given_names_compatible("Phil", "Philippe") == "prefix"
    assert given_names_compatible("E. D.", "Ekin Dogus") == "initials"
    assert given_names_compatible("Alex", "Alex") is None
    assert given_names_compatible("Ann", "Bob") is None
    assert edit_distance("tootoochian", "tootoonchian", 2) == 1
    assert edit_distance("smith", "jones", 1) == 2


# --- links, fragments, subpaths, collisions ------------------------------------------------------


def site_of(pages: dict[str, str], others: tuple[str, ...] = ()) -> object:
    files = {path: html.encode() for path, html in pages.items()}
    files.update({path: b"" for path in others})
    return built_site(files)


def messages(pages: dict[str, str], base_url: str = "", others: tuple[str, ...] = ()) -> list[str]:
    site = built_site({**{p: h.encode() for p, h in pages.items()}, **{p: b"" for p in others}})
    return [f"{f.severity} {f.file}:{f.line} {f.message}" for f in link_findings(site, base_url)]


def test_relative_links_and_fragments_resolve() -> None:
    pages = {
        "index.html": '<a href="papers/index.html#y2024">p</a><a href="#top">t</a><p id="top">',
        "papers/index.html": '<h2 id="y2024">2024</h2><a href="../static/s.css">s</a>',
    }
    assert messages(pages, others=("static/s.css",)) == []


def test_missing_file_and_missing_fragment_are_errors() -> None:
    pages = {
        "index.html": '<a href="papers/index.html#y1999">p</a>\n<a href="gone.html">g</a>',
        "papers/index.html": '<a href="#nowhere">n</a>',
    }
    found = messages(pages)
    assert any("index.html:1" in m and "no element with id 'y1999'" in m for m in found)
    assert any("index.html:2" in m and "no such file" in m for m in found)
    assert any("papers/index.html:1" in m and "'nowhere'" in m for m in found)


def test_directory_links_fail_from_disk() -> None:
    found = messages({"index.html": '<a href="papers/">p</a>', "papers/index.html": ""})
    assert len(found) == 1 and "not from file://" in found[0]


def test_root_absolute_links_break_under_a_subpath() -> None:
    found = messages({"index.html": '<a href="/papers/index.html">p</a>', "papers/index.html": ""})
    assert len(found) == 1 and "under a subpath (/sub/repo/)" in found[0]


def test_links_climbing_out_of_the_site_break_under_a_subpath() -> None:
    found = messages(
        {"papers/a/index.html": '<a href="../../../index.html">up</a>', "index.html": ""}
    )
    assert found and "leaves the site's directory" in found[0]


def test_404_links_must_work_at_any_depth() -> None:
    relative = {"404.html": '<a href="papers/index.html">p</a>', "papers/index.html": ""}
    (with_base,) = messages(relative, base_url=BASE)
    assert with_base.startswith("error 404.html:1") and "/sub/repo/missing/a/b/c" in with_base
    (without_base,) = messages(relative)
    assert without_base.startswith("warning") and "--base-url" in without_base
    published = {"404.html": '<a href="/repo/papers/index.html">p</a>', "papers/index.html": ""}
    assert messages(published, base_url=BASE) == []


def test_canonical_links_to_the_base_url_are_checked() -> None:
    page = f'<link rel="canonical" href="{BASE}papers/"><link rel="canonical" href="{BASE}gone/">'
    found = messages({"index.html": page, "papers/index.html": ""}, base_url=BASE)
    assert len(found) == 1 and "gone/" in found[0]


def test_case_collisions_are_errors() -> None:
    found = collision_findings(["authors/Ann/index.html", "authors/ann/index.html", "x.html"])
    assert kinds(found) == ["collision"]
    assert "authors/Ann/index.html, authors/ann/index.html" in found[0].message


# --- Scholar tags --------------------------------------------------------------------------------


def test_scholar_tags_are_required_where_the_data_has_them(built: Path) -> None:
    corpus = read_site(SHIPPED).corpus
    paper = corpus.papers_by_id["gpt-4o-system-card"]
    html = (built / "papers/gpt-4o-system-card/index.html").read_text("utf-8")
    assert paper_page_findings("p", html_facts(html), paper, corpus) == []
    stripped = html.replace('name="citation_title"', 'name="x"')
    off_site = html.replace(
        "<head>", '<head><meta name="citation_pdf_url" content="https://arxiv.org/pdf/1">'
    )
    assert (
        "citation_title" in paper_page_findings("p", html_facts(stripped), paper, corpus)[0].message
    )
    assert "off-site" in paper_page_findings("p", html_facts(off_site), paper, corpus)[0].message
    untitled = corpus.papers_by_id["arxiv-2407-16226"]
    invented = '<meta name="citation_title" content="Made up">'
    (finding,) = [
        f
        for f in paper_page_findings("p", html_facts(invented), untitled, corpus)
        if "invent" in f.message
    ]
    assert finding.severity == "error"


def test_a_broken_site_yaml_is_a_finding_in_the_json_report(
    site_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site_copy / "site.yaml").write_text('title: "Unclosed\n', encoding="utf-8")
    command = ["check", "--source", str(site_copy), "--output", str(tmp_path / "out"), "--json"]
    assert main(command) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(f["file"], f["line"]) for f in report["findings"]] == [("site.yaml", 1)]
