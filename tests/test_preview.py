"""The build function ``scholarsite serve`` hands to the preview server."""

from __future__ import annotations

from pathlib import Path

import pytest

import scholarsite.build
from scholarsite import render
from scholarsite.build import BuildOptions, build_site
from scholarsite.incremental import referenced_templates
from scholarsite.preview import make_build_function
from scholarsite.server import BuildFunction
from scholarsite.text import abstract_plain_text
from scholarsite.theme import find_theme


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def cold_build(source: Path, output: Path) -> dict[str, bytes]:
    """The files of a build from nothing, to compare a preview's output with."""
    build_site(BuildOptions(source, output))
    return tree(output)


def previewing(source: Path, live: Path) -> BuildFunction:
    """The preview's build function, after its first (whole) build into ``live``."""
    build = make_build_function(BuildOptions(source, live), find_theme(source))
    build(None, frozenset())
    return build


def retitle(source: Path) -> frozenset[Path]:
    """Change a curated title, as a user would; the changed sources, as the server hands them."""
    curation = source / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    curation.write_text(text.replace("Learn2Hop: Learned", "Learn2Hop: Learnt"), "utf-8")
    return frozenset({curation})


def test_a_rebuild_returns_with_its_pages_and_finishes_in_then(
    site_copy: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    build = make_build_function(BuildOptions(site_copy, live), find_theme(site_copy))
    first = build(None, frozenset())
    assert first.ok and first.then is None  # the first build is whole
    index_before = tree(live / "search")

    pages = build(retitle(site_copy), frozenset())
    assert pages.ok and pages.then is not None
    paper = "papers/learn2hop-learnt-optimization-on-rough-landscapes/index.html"
    assert paper in pages.changed and (live / paper).is_file()
    later = [p for p in pages.changed if p.startswith("search/idx/") or p == "corpus.json"]
    assert later == [] and tree(live / "search") == index_before  # the reload comes first

    rest = pages.then()
    assert rest.ok and rest.then is None
    assert any(p.startswith("search/idx/") for p in rest.changed)
    assert tree(live) == cold_build(site_copy, tmp_path / "cold")


def test_a_rebuild_puts_the_pages_open_in_a_tab_in_place_before_the_others(
    site_copy: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    build = previewing(site_copy, live)
    open_tabs = frozenset({"papers/index.html", "about/index.html"})  # the second is unchanged
    shown = build(retitle(site_copy), open_tabs)
    assert shown.ok and shown.changed == ("papers/index.html",)
    assert "Learn2Hop: Learnt" in (live / "papers/index.html").read_text(encoding="utf-8")
    paper = "papers/learn2hop-learnt-optimization-on-rough-landscapes/index.html"
    assert not (live / paper).exists()  # the other pages come next

    assert shown.then is not None
    pages = shown.then()
    assert pages.ok and paper in pages.changed and "papers/index.html" not in pages.changed
    assert not any(p.startswith("search/idx/") for p in pages.changed)
    assert pages.then is not None
    rest = pages.then()
    assert rest.ok and rest.then is None
    assert any(p.startswith("search/idx/") for p in rest.changed)
    assert not any(p.endswith(".html") for p in rest.changed)  # each file is news once
    assert tree(live) == cold_build(site_copy, tmp_path / "cold")


def test_a_tab_on_a_retitled_paper_is_sent_to_its_new_page_once_it_is_in_place(
    site_copy: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    build = previewing(site_copy, live)
    old = "papers/learn2hop-learned-optimization-on-rough-landscapes/index.html"
    new = "papers/learn2hop-learnt-optimization-on-rough-landscapes/index.html"
    shown = build(retitle(site_copy), frozenset({old}))
    assert shown.ok and shown.moved == ((old, new),)
    assert shown.changed == (
        new,
        new.replace("index.html", "cite.bib"),
        new.replace("index.html", "cite.ris"),
    )
    assert (live / new).is_file()


def test_a_rebuild_abandoned_after_its_pages_leaves_an_output_the_next_build_replaces(
    site_copy: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    build = previewing(site_copy, live)
    pages = build(retitle(site_copy), frozenset())
    assert pages.then is not None  # the server stops here: the rest never runs
    again = build_site(BuildOptions(site_copy, live))  # refuses no file, is not "up to date"
    assert not again.up_to_date
    assert tree(live) == cold_build(site_copy, tmp_path / "cold")


def test_a_restarted_preview_builds_once_then_renders_only_what_an_edit_changed(
    site_copy: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    options = BuildOptions(site_copy, live)
    make_build_function(options, find_theme(site_copy))(None, frozenset())
    build = make_build_function(options, find_theme(site_copy))  # the server started again
    first = build(None, frozenset())
    assert first.ok and first.changed  # up to date, but built: the state is what rebuilds need
    pages = build(retitle(site_copy), frozenset())
    assert pages.ok and pages.then is not None  # an update, not a whole build
    assert len([p for p in pages.changed if p.endswith(".html")]) < 20


def test_a_preview_starts_from_the_state_a_build_kept_and_keeps_its_own(
    site_copy: Path, tmp_path: Path
) -> None:
    options = BuildOptions(site_copy, tmp_path / "live", cache=True)
    build_site(options)
    build = make_build_function(options, find_theme(site_copy))
    first = build(None, frozenset())
    assert first.ok and first.then is not None  # an update from the kept state
    assert not [p for p in first.changed if p.endswith(".html")]
    assert first.then().ok
    curation = site_copy / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    edited = build(retitle(site_copy), frozenset())
    assert edited.ok and edited.then is not None and edited.then().ok
    curation.write_text(text, "utf-8")  # then the server stops, and a build follows
    after = build_site(options)
    assert 0 < after.rendered < after.pages / 10
    assert tree(tmp_path / "live") == cold_build(site_copy, tmp_path / "cold")


def test_the_search_index_parses_no_abstract_its_page_made_plain_already(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "live"
    build = previewing(site_copy, live)
    parsed: list[str] = []

    def counted(source: str) -> str:
        parsed.append(source)
        return abstract_plain_text(source)

    monkeypatch.setattr(scholarsite.build, "abstract_plain_text", counted)
    dump = sorted((site_copy / "corpus").iterdir())[0]
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace(" the ", " Zyxwv ", 1)  # the abstract of one paper
    dump.write_text("".join(lines), encoding="utf-8")
    pages = build(frozenset({dump}), frozenset())
    assert pages.then is not None
    assert pages.then().ok
    assert parsed == []  # the edited paper's page gave its text
    build_site(BuildOptions(site_copy, tmp_path / "cold"))
    assert parsed == []  # every paper's page did
    assert tree(live) == tree(tmp_path / "cold")


def test_the_first_build_leaves_the_templates_compiled_for_the_first_edit(
    site_copy: Path, tmp_path: Path
) -> None:
    """The first build renders in worker processes; the server compiles the templates itself
    after it, so that the first edit does not wait for that."""
    render._COMPILED.code.clear()
    referenced_templates.cache_clear()
    theme = find_theme(site_copy)
    make_build_function(BuildOptions(site_copy, tmp_path / "live", jobs=2), theme)(
        None, frozenset()
    )
    names = [p.relative_to(theme.templates).as_posix() for p in theme.templates.rglob("*.html")]
    assert len(render._COMPILED.code) == len(names) > 5
    assert referenced_templates.cache_info().currsize == len(names)
