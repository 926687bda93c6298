"""The build state a command-line build keeps beside its output for the next build."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarsite.build import BuildOptions, build_site
from scholarsite.buildstate import state_file
from scholarsite.cli import main

TITLE = "Learn2Hop: Learned"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def retitle(source: Path, old: str = TITLE, new: str = "Learn2Hop: Learnt") -> None:
    curation = source / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    assert old in text
    curation.write_text(text.replace(old, new), encoding="utf-8")


def cached(source: Path, output: Path, base_url: str | None = None) -> BuildOptions:
    return BuildOptions(source, output, base_url, cache=True)


def test_an_edit_renders_only_its_pages_and_the_site_equals_a_cold_build(
    site_copy: Path, tmp_path: Path
) -> None:
    first = build_site(cached(site_copy, tmp_path / "out"))
    assert first.rendered == first.pages and state_file(tmp_path / "out").is_file()
    retitle(site_copy)
    again = build_site(cached(site_copy, tmp_path / "out"))
    assert 0 < again.rendered < again.pages / 10
    assert any(path.startswith("papers/learn2hop") for path in again.written)
    build_site(BuildOptions(site_copy, tmp_path / "cold"))
    assert tree(tmp_path / "out") == tree(tmp_path / "cold")


def test_files_made_from_an_unchanged_corpus_are_kept(site_copy: Path, tmp_path: Path) -> None:
    """After a page edit, the search index, the publishing files and the export are not made
    again: those of the last build are right."""
    output = tmp_path / "out"
    build_site(cached(site_copy, output))
    about = site_copy / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    again = build_site(cached(site_copy, output))
    assert {"search", "publish", "export"}.isdisjoint(t.stage for t in again.timings)
    assert "about/index.html" in again.written
    build_site(BuildOptions(site_copy, tmp_path / "cold"))
    assert tree(output) == tree(tmp_path / "cold")


def test_the_state_lives_beside_the_output_never_in_it(site_copy: Path, tmp_path: Path) -> None:
    build_site(cached(site_copy, tmp_path / "out"))
    assert state_file(tmp_path / "out").parent == tmp_path
    assert not [p for p in tree(tmp_path / "out") if "state" in p]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda out: (out / "index.html").unlink(), id="an output file removed"),
        pytest.param(
            lambda out: state_file(out).write_bytes(state_file(out).read_bytes()[:-100]),
            id="the state cut short",
        ),
        pytest.param(lambda out: state_file(out).write_bytes(b"\x80\x05junk"), id="not a state"),
    ],
)
def test_a_state_that_does_not_match_the_output_is_not_used(
    site_copy: Path, tmp_path: Path, spoil: object
) -> None:
    out = tmp_path / "out"
    build_site(cached(site_copy, out))
    retitle(site_copy)
    spoil(out)  # type: ignore[operator]
    again = build_site(cached(site_copy, out))
    assert again.rendered == again.pages
    build_site(BuildOptions(site_copy, tmp_path / "cold"))
    assert tree(out) == tree(tmp_path / "cold")


def test_other_settings_render_every_page(site_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_site(cached(site_copy, out))
    retitle(site_copy)
    again = build_site(cached(site_copy, out, base_url="https://example.org/lab/"))
    assert again.rendered == again.pages


def test_no_cache_renders_every_page_and_keeps_no_state(
    site_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["build", "--source", str(site_copy), "--output", str(tmp_path / "out")]
    assert main(command) == 0
    retitle(site_copy)
    assert main(command) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "rendered)" not in lines[0] and "rendered)" in lines[1]
    state_file(tmp_path / "out").unlink()
    retitle(site_copy, "Learn2Hop: Learnt", TITLE)
    assert main([*command, "--no-cache"]) == 0
    assert "rendered)" not in capsys.readouterr().out
    assert not state_file(tmp_path / "out").exists()
