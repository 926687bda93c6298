"""The build state a command-line build keeps beside its output for the next build."""

from __future__ import annotations

import gc
import pickle
import tracemalloc
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scholarsite import build
from scholarsite.build import BuildOptions, build_site
from scholarsite.buildstate import load_state, state_file
from scholarsite.cli import main
from scholarsite.incremental import SiteState
from scholarsite.pagerender import Rendered, RenderJob, render_pages

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
    stages = [[t.stage for t in result.timings] for result in (first, again)]
    assert "last state" not in stages[0] and stages[1].index("last state") == 1
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


def test_loading_the_state_never_holds_its_whole_file(site_copy: Path, tmp_path: Path) -> None:
    """The state is digested, then unpickled, as it is read: at 100,000 papers it is 280 MB.
    Loading it takes no more memory than unpickling it does, and far less than another copy."""
    out = tmp_path / "out"
    build_site(cached(site_copy, out))
    head, _, body = state_file(out).read_bytes().partition(b"\n")
    _, code, inputs, _ = head.decode().split("\0")
    unpickling = _transient(lambda: pickle.loads(body))
    assert _transient(lambda: load_state(out, code, inputs)) < unpickling + len(body) / 2


def _transient(load: Callable[[], object]) -> int:
    """The memory ``load`` takes while it runs beyond what it leaves held."""
    tracemalloc.start()
    try:
        loaded = load()
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded is not None
    return peak - held


def test_a_rebuild_frees_the_last_model_and_renders_a_small_change_itself(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a rebuild knows which pages to render, the last build's model is freed; a rebuild
    that renders a small share of the pages renders them in its own process, not in helpers
    that would each copy the memory they touch."""
    out = tmp_path / "out"
    options = BuildOptions(site_copy, out, cache=True, jobs=2)
    last_models: list[weakref.ref[object]] = []
    renders: list[tuple[int | None, int, bool]] = []

    def loaded(*args: Any) -> SiteState | None:
        state = load_state(*args)
        if state is not None:
            last_models.append(weakref.ref(state.corpus))
        return state

    def rendering(job: RenderJob, jobs: int | None, *args: Any) -> Rendered:
        gc.collect()
        renders.append((jobs, len(job.pages), any(model() is not None for model in last_models)))
        return render_pages(job, jobs, *args)

    monkeypatch.setattr(build, "load_state", loaded)
    monkeypatch.setattr(build, "render_pages", rendering)
    cold = build_site(options)
    retitle(site_copy)
    again = build_site(options)
    assert renders[0] == (2, cold.pages, False)
    assert last_models and renders[1] == (1, again.rendered, False)
    assert 0 < again.rendered * build.HELPED_SHARE < again.pages


def test_loading_the_state_runs_no_collection(site_copy: Path, tmp_path: Path) -> None:
    """The state holds no reference cycles: collecting while it is unpickled finds nothing, and
    at scale took most of the load's time. One collection of the youngest objects may come as
    the collector resumes."""
    out = tmp_path / "out"
    build_site(cached(site_copy, out))
    _, code, inputs, _ = state_file(out).read_bytes().partition(b"\n")[0].decode().split("\0")
    collecting = gc.isenabled()
    gc.enable()
    try:
        gc.collect()
        before = [generation["collections"] for generation in gc.get_stats()]
        assert load_state(out, code, inputs) is not None
        after = [generation["collections"] for generation in gc.get_stats()]
        assert after[0] - before[0] <= 1 and after[1:] == before[1:]
        assert gc.isenabled()
    finally:
        if not collecting:
            gc.disable()
