"""Rebuilds that render only what changed, and still equal a cold build byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scholarsite.build import BuildOptions, BuildResult, build_site, build_steps, run_to_end
from scholarsite.corpus import DumpCache
from scholarsite.errors import BuildFailed
from scholarsite.incremental import reusable_fragments

ROOT = Path(__file__).resolve().parent.parent


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def rebuild_and_compare(source: Path, tmp_path: Path, first: BuildResult) -> BuildResult:
    again = build_site(BuildOptions(source, tmp_path / "live"), previous=first.state)
    build_site(BuildOptions(source, tmp_path / "cold"))
    assert tree(tmp_path / "live") == tree(tmp_path / "cold")
    return again


def test_nothing_changed_renders_nothing(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 0
    assert not [p for p in again.written if p.endswith(".html")]


def test_a_curated_title_renders_its_paper_and_its_authors(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    curation = site_copy / "curation.yaml"
    curation.write_text(
        curation.read_text().replace("Learn2Hop: Learned", "Learn2Hop: Learnt"), encoding="utf-8"
    )
    again = rebuild_and_compare(site_copy, tmp_path, first)
    pages = {p for p in again.written if p.endswith("index.html")}
    assert "papers/learn2hop-learnt-optimization-on-rough-landscapes/index.html" in pages
    assert "authors/sam-schoenholz/index.html" in pages
    assert "authors/cheng-lu/index.html" not in pages
    assert {"papers/index.html", "index.html"} <= pages  # the lists show titles
    assert "authors/index.html" not in pages  # names and counts only: the same
    assert again.rendered < 20
    assert not (
        tmp_path / "live/papers/learn2hop-learned-optimization-on-rough-landscapes"
    ).exists()


def test_an_abstract_edit_renders_only_its_paper(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    edit_dump(site_copy, 0, 6, "word")  # the abstract of a paper with two authors
    again = rebuild_and_compare(site_copy, tmp_path, first)
    pages = {p for p in again.written if p.endswith(".html")}
    paper = "papers/simplifying-stabilizing-and-scaling-continuous-time-consistency-models/"
    assert pages == {paper + "index.html"}


def test_a_template_change_renders_the_pages_using_it(site_copy: Path, tmp_path: Path) -> None:
    theme = site_copy.parent / "templates"
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", theme)
    shutil.copytree(Path(__file__).resolve().parent.parent / "static", site_copy.parent / "static")
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    page = theme / "page.html"
    page.write_text(
        page.read_text().replace('<article class="prose">', '<article class="prose x">')
    )
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 1  # the about page: no other page uses page.html
    assert "about/index.html" in again.written
    assert 'class="prose x"' in (tmp_path / "live/about/index.html").read_text()
    # The corpus did not change: the search index and the export are the last build's.
    assert not [p for p in again.written if p.startswith("search/idx/") or p == "corpus.json"]


def test_a_partial_a_template_starts_to_include_is_followed(
    site_copy: Path, tmp_path: Path
) -> None:
    theme = site_copy.parent / "templates"
    shutil.copytree(ROOT / "templates", theme)
    shutil.copytree(ROOT / "static", site_copy.parent / "static")
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    (theme / "partials" / "note.html").write_text("<p>first note</p>\n", encoding="utf-8")
    page = theme / "page.html"
    include = '{% include "partials/note.html" %}<article class="prose">'
    page.write_text(page.read_text().replace('<article class="prose">', include))
    second = rebuild_and_compare(site_copy, tmp_path, first)
    assert second.rendered == 1
    (theme / "partials" / "note.html").write_text("<p>second note</p>\n", encoding="utf-8")
    third = rebuild_and_compare(site_copy, tmp_path, second)
    assert third.rendered == 1  # the about page, through the include it gained
    assert "second note" in (tmp_path / "live/about/index.html").read_text()


@pytest.mark.parametrize(
    ("broken", "reported"),
    [
        ("{{ p.title }", "templates/partials/paper_item.html:3: template syntax error"),
        ('{% include "partials/none.html" %}', "templates/partials/paper_item.html:3: template "),
    ],
)
def test_a_template_broken_between_builds_is_reported_with_its_line(
    site_copy: Path, tmp_path: Path, broken: str, reported: str
) -> None:
    theme = site_copy.parent / "templates"
    shutil.copytree(ROOT / "templates", theme)
    shutil.copytree(ROOT / "static", site_copy.parent / "static")
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    before = tree(tmp_path / "live")
    item = theme / "partials" / "paper_item.html"
    lines = item.read_text().splitlines(keepends=True)
    lines.insert(2, broken + "\n")
    item.write_text("".join(lines))
    with pytest.raises(BuildFailed) as failed:
        build_site(BuildOptions(site_copy, tmp_path / "live"), previous=first.state)
    assert str(failed.value.problems[0]).startswith(reported)
    assert tree(tmp_path / "live") == before


def test_a_second_build_with_nothing_changed_stops_at_once(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "out"))
    before = tree(tmp_path / "out")
    again = build_site(BuildOptions(site_copy, tmp_path / "out"))
    assert again.up_to_date and not first.up_to_date
    assert (again.papers, again.authors) == (first.papers, first.authors)
    assert again.problems == first.problems
    assert tree(tmp_path / "out") == before


def test_a_build_with_nothing_changed_reports_what_the_last_one_recorded(
    site_copy: Path, tmp_path: Path
) -> None:
    """Its counts and warnings come from the output's marker, not from ``corpus.json`` (at
    100,000 papers a 177 MB file to parse): an export edited by hand changes nothing."""
    first = build_site(BuildOptions(site_copy, tmp_path / "out"))
    assert first.problems, "the shipped site has warnings to report again"
    (tmp_path / "out" / "corpus.json").write_text("{}", encoding="utf-8")
    again = build_site(BuildOptions(site_copy, tmp_path / "out"))
    assert again.up_to_date
    assert (again.papers, again.authors, again.problems) == (
        first.papers,
        first.authors,
        first.problems,
    )


def test_any_change_or_a_missing_output_file_builds_again(site_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(BuildOptions(site_copy, out))
    (out / "about" / "index.html").unlink()
    assert not build_site(BuildOptions(site_copy, out)).up_to_date
    assert (out / "about" / "index.html").is_file()
    (site_copy / "pages" / "about.md").write_text("# About\n\nChanged.\n", encoding="utf-8")
    assert not build_site(BuildOptions(site_copy, out)).up_to_date
    assert not build_site(BuildOptions(site_copy, out, base_url="https://x.org/")).up_to_date


def test_strict_still_fails_on_the_stored_warnings(site_copy: Path, tmp_path: Path) -> None:
    (site_copy / "curation.yaml").unlink()
    out = tmp_path / "out"
    build_site(BuildOptions(site_copy, out))
    with pytest.raises(BuildFailed) as failure:
        build_site(BuildOptions(site_copy, out, strict=True))
    assert any("no owner" in p.message for p in failure.value.problems)


def test_an_unchanged_corpus_reuses_the_search_index(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scholarsite.build as build

    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    calls: list[int] = []
    real = build.search_index_files
    monkeypatch.setattr(build, "search_index_files", lambda docs: calls.append(1) or real(docs))
    about = site_copy / "pages" / "about.md"
    about.write_text(about.read_text() + "\nOne more line.\n", encoding="utf-8")
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert calls == [1]  # the cold build in the comparison; not the update
    assert "about/index.html" in again.written


def test_a_markdown_page_edit_renders_the_pages_that_show_it(
    site_copy: Path, tmp_path: Path
) -> None:
    """Its text is on its own page (``index.md``'s on the home page); its title is in every
    page's navigation."""
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    about, home = site_copy / "pages" / "about.md", site_copy / "pages" / "index.md"
    about.write_text(about.read_text() + "\nOne more line.\n", encoding="utf-8")
    home.write_text(home.read_text() + "\nAnd one here.\n", encoding="utf-8")
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert again.rendered == 2
    assert {"about/index.html", "index.html"} <= set(again.written)
    about.write_text(about.read_text().replace("title: About", "title: Colophon"), "utf-8")
    third = rebuild_and_compare(site_copy, tmp_path, again)
    assert third.rendered == third.pages
    assert "Colophon" in (tmp_path / "live" / "papers" / "index.html").read_text()


def test_a_kept_file_gone_from_the_output_is_made_again(site_copy: Path, tmp_path: Path) -> None:
    first = build_site(BuildOptions(site_copy, tmp_path / "live"))
    (tmp_path / "live" / "search" / "idx" / "meta.js").unlink()
    about = site_copy / "pages" / "about.md"
    about.write_text(about.read_text() + "\nOne more line.\n", encoding="utf-8")
    again = rebuild_and_compare(site_copy, tmp_path, first)
    assert [t.stage for t in again.timings if t.stage in ("search", "export")] == ["search"]
    assert "search/idx/meta.js" in again.written


# --------------------------------------------------------------------------- random edits

TEMPLATES = ("paper.html", "author.html", "partials/paper_item.html", "base.html")


def edit_dump(source: Path, pick: int, where: int, kind: str) -> None:
    """Change one line of one dump: a word, a letter put before a word (a new name on an author
    list), two neighbours in an author list swapped, the whole line gone, or the line twice."""
    dumps = sorted((source / "corpus").iterdir())
    if not dumps:
        return
    dump = dumps[pick % len(dumps)]
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    at = where % len(lines)
    if kind in ("word", "letter"):
        words = lines[at].split(" ")
        nth = where % len(words)
        words[nth] = "Zyxwv" if kind == "word" else "Q" + words[nth]
        lines[at] = " ".join(words)
        lines[at] += "" if lines[at].endswith("\n") else "\n"
    elif kind == "author":
        parts = lines[at].rstrip("\n").split(", ")  # Last, First, Last, First, …
        nth = 2 * ((where // len(lines)) % max(1, len(parts) // 2 - 1))
        parts[nth : nth + 4] = parts[nth + 2 : nth + 4] + parts[nth : nth + 2]
        lines[at] = ", ".join(parts) + "\n"
    elif kind == "drop line":
        del lines[at]
    else:
        lines.insert(at, lines[at])
    dump.write_text("".join(lines), encoding="utf-8")


def apply_edit(source: Path, kind: str, pick: int, where: int) -> None:
    if kind in ("word", "letter", "author", "drop line", "repeat line"):
        edit_dump(source, pick, where, kind)
    elif kind == "new paper":  # a record of three lines where a record starts in the titled dump
        dump = source / "corpus" / "000_db022e47a3265ebc.txt"
        if dump.exists():
            lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
            lines[-1] = lines[-1].rstrip("\n") + "\n"
            at = 1 + 3 * (where % (len(lines) // 3 + 1))
            record = [
                f"Zyxwv {where} Paper\n",  # a title ending in a number may be a repeat's id
                f"Lu, Cheng, Q{pick}, Quentin\n",
                f"Words {where}.\n",
            ]
            dump.write_text("".join(lines[:at] + record + lines[at:]), encoding="utf-8")
    elif kind == "two at once":  # a paper added and a word changed in one save of a dump
        apply_edit(source, "new paper", pick, where)
        edit_dump(source, 0, where // 3, "letter" if where % 2 else "word")
    elif kind == "drop dump":
        dumps = sorted((source / "corpus").iterdir())
        if len(dumps) > 1:
            dumps[pick % len(dumps)].unlink()
    elif kind == "curated title":
        curation = source / "curation.yaml"
        text = curation.read_text(encoding="utf-8")
        curation.write_text(text.replace('title: "', f'title: "Re{pick % 7} ', 1), "utf-8")
    elif kind == "page":  # the about page's text or its title (in the navigation), the home's
        name, old, new = [
            ("about", "\n# About", f"\nEdit {pick}.\n\n# About"),
            ("about", "title: About", f"title: About {pick}"),
            ("index", "\n# A research", f"\nEdit {pick}.\n\n# A research"),
        ][pick % 3]
        page = source / "pages" / f"{name}.md"
        page.write_text(page.read_text(encoding="utf-8").replace(old, new, 1), "utf-8")
    else:  # a template
        template = source.parent / "templates" / TEMPLATES[pick % len(TEMPLATES)]
        text = template.read_text(encoding="utf-8")
        template.write_text(text.replace("</", f"<!-- {where} --></", 1), encoding="utf-8")


EDIT_KINDS = (
    "word", "letter", "author", "drop line", "repeat line", "new paper", "two at once",
    "drop dump",
    "curated title", "page",
    "template",
)  # fmt: skip
edits = st.lists(
    st.tuples(st.sampled_from(EDIT_KINDS), st.integers(0, 999), st.integers(0, 9999)),
    min_size=1,
    max_size=3,
)


# Pages a preview's tabs show: rendered ahead of the others on every rebuild.
OPEN_TABS = frozenset(
    {
        "index.html",
        "papers/index.html",
        "papers/learn2hop-learned-optimization-on-rough-landscapes/index.html",
        "papers/gpt-4o-system-card/index.html",
        "authors/aaron-hurst/index.html",
    }
)


def preview_rebuild(options: BuildOptions, previous: BuildResult, dumps: DumpCache) -> BuildResult:
    """A rebuild as the preview server runs it, with tabs open, through each of its pauses."""
    return run_to_end(build_steps(options, previous=previous.state, dumps=dumps, first=OPEN_TABS))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=edits)
@example(sequence=[("word", 0, 6)])  # an abstract
# A title (the paper's id follows it), then an abstract, both updating the model in place.
@example(sequence=[("word", 0, 4), ("word", 0, 6)])
# An abstract, then a title a curation fix gives, then an abstract: each updated in place.
@example(sequence=[("word", 0, 6), ("curated title", 1, 0), ("word", 0, 6 + 31)])
# The GPT-4o author list: its 8th and 9th authors swap places (no name or count changes).
@example(sequence=[("author", 0, 2 + 7 * 31)])
# A name on the GPT-4o author list gets a new spelling, then two of its authors trade places: the
# model is updated in place both times.
@example(sequence=[("letter", 0, 2 + 31 * 3), ("author", 0, 2 + 7 * 31)])
# A paper added to a dump, then another before it, both updating the model in place.
@example(sequence=[("new paper", 3, 4), ("new paper", 4, 1)])
# A paper added and a title changed in one save, then a paper added and an abstract changed.
@example(sequence=[("two at once", 1, 3 * 4), ("two at once", 2, 3 * 6)])
# A paper's author list gone (its authors are then its profiles' owners), then a paper by the
# dump's owner added with another edit in one save.
@example(sequence=[("drop line", 0, 2), ("two at once", 0, 4096)])
@pytest.mark.parametrize("kept", ["by the preview server", "beside the output"])
def test_random_edit_sequences_rebuild_exactly_like_a_cold_build(
    tmp_path_factory: pytest.TempPathFactory, kept: str, sequence: list[tuple[str, int, int]]
) -> None:
    """Rebuilds from the state the preview server keeps in memory (with its parse cache), or
    from the state a command-line build keeps beside its output."""
    root = tmp_path_factory.mktemp("edits")
    source = root / "site_src"
    shutil.copytree(ROOT / "site_src", source)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "static", root / "static")
    in_memory = kept == "by the preview server"
    live = BuildOptions(source, root / "live", cache=not in_memory)
    dumps = DumpCache() if in_memory else None  # as the preview server keeps them
    result = build_site(live, dumps=dumps)
    for step, (kind, pick, where) in enumerate(sequence):
        apply_edit(source, kind, pick, where)
        if in_memory:
            assert dumps is not None
            result = preview_rebuild(live, result, dumps)
        else:
            result = build_site(live, dumps=dumps)
        unused = result.up_to_date or kind in ("page", "template")  # these may render all
        assert unused or result.rendered < result.pages, "the state was not used"
        build_site(BuildOptions(source, root / f"cold-{step}"))
        assert tree(root / "live") == tree(root / f"cold-{step}"), (step, kind, pick, where)


def test_list_items_of_unchanged_papers_are_kept_from_rebuild_to_rebuild(
    site_copy: Path, tmp_path: Path
) -> None:
    live = tmp_path / "live"
    curation = site_copy / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    state = build_site(BuildOptions(site_copy, live)).state
    text = text.replace("Learn2Hop: Learned", "Learn2Hop: Learnt")
    curation.write_text(text, "utf-8")
    first = build_site(BuildOptions(site_copy, live), previous=state).state
    assert first is not None and first.fragments  # the lists were rendered in this process
    curation.write_text(text.replace("Temperature check:", "Temperature checks:"), "utf-8")
    second = build_site(BuildOptions(site_copy, live), previous=first)
    assert second.state is not None
    kept = {key[1] for key in reusable_fragments(first, second.state)}
    changed = {p.id for p in second.state.corpus.papers if p.title and "checks:" in p.title}
    assert changed and kept and not kept & changed
    assert any(pid.startswith("learn2hop") for pid in kept)
    build_site(BuildOptions(site_copy, tmp_path / "cold"))
    assert tree(live) == tree(tmp_path / "cold")
