"""The Jinja environment: compiled templates kept between builds in one process; the pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from scholarsite.build import BuildResult
from scholarsite.config import SiteConfig
from scholarsite.render import OutputPage, Renderer, make_environment, pages_at, site_pages
from scholarsite.views import spliced


def compiling(env: jinja2.Environment) -> list[str]:
    """Names of the templates ``env`` compiles from source from now on."""
    names: list[str] = []
    original = env.compile

    def compile(source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        names.append(name or "")
        return original(source, name, *args, **kwargs)

    env.compile = compile  # type: ignore[method-assign]
    return names


def test_a_later_build_reuses_compiled_templates_until_their_source_changes(
    tmp_path: Path,
) -> None:
    template = tmp_path / "t.html"
    template.write_text("one {{ x }}", encoding="utf-8")
    assert make_environment(tmp_path).get_template("t.html").render(x=1) == "one 1"

    env = make_environment(tmp_path)
    compiled = compiling(env)
    assert env.get_template("t.html").render(x=2) == "one 2"
    assert compiled == []

    template.write_text("two {{ x }}", encoding="utf-8")  # same length, new checksum
    env = make_environment(tmp_path)
    compiled = compiling(env)
    assert env.get_template("t.html").render(x=3) == "two 3"
    assert compiled == ["t.html"]


def test_spliced_bytes_take_the_place_of_their_placeholder_only(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("<p>{{ title }}</p><ul>{{ rest }}</ul>", encoding="utf-8")
    renderer = Renderer(tmp_path, SiteConfig(), [])
    rest = spliced("coauthors", "<li>Mądry</li>".encode())
    guess = "\x00coauthors-0000000000000000\x00"  # text that looks like a placeholder
    page = OutputPage("t/index.html", "t.html", "t")
    html = renderer.render(page, {"title": guess, "rest": rest.placeholder}, [rest])
    assert html == "<p>\x00coauthors-0000000000000000\x00</p><ul><li>Mądry</li></ul>".encode()


def test_the_pages_at_some_paths_are_the_pages_the_whole_list_has_there(
    shipped_build: BuildResult,
) -> None:
    state = shipped_build.state
    assert state is not None
    markdown = list(state.markdown)
    every = site_pages(state.corpus, markdown)
    kinds = {page.kind: page.path for page in reversed(every)}  # the first page of each kind
    paths = frozenset(
        {
            *kinds.values(),
            "papers/no-such-paper/index.html",
            "authors/index.html/index.html",
            "papers/gpt-4o-system-card/cite.bib",
        }
    )
    found = pages_at(paths, state.corpus, markdown)
    assert sorted(found, key=lambda page: page.path) == sorted(
        (page for page in every if page.path in paths), key=lambda page: page.path
    )
    assert {page.kind for page in found} == {page.kind for page in every}
