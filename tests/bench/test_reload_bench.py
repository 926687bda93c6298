"""The edit-to-reload benchmark, run small: its edits show on the page its tab watches."""

from __future__ import annotations

import shutil
from pathlib import Path

from scholarsite.bench.reload_bench import ROOT, SYNTHETIC_EDITS, edit_curated_title, measure
from scholarsite.bench.synth import write_corpus
from scholarsite.build import BuildOptions, build_site, read_site
from scholarsite.corpus import DumpCache


def test_each_edit_reloads_its_tab_before_the_rebuild_is_done(tmp_path: Path) -> None:
    shipped = tmp_path / "shipped" / "site_src"
    shutil.copytree(ROOT / "site_src", shipped)
    write_corpus(tmp_path / "synth", 200)
    synth = tmp_path / "synth" / "site_src"
    for source, edit in ((shipped, edit_curated_title), *((synth, e) for _, e in SYNTHETIC_EDITS)):
        reloads, completes = measure(source, edit(source), repeats=2)
        assert len(reloads) == len(completes) == 2
        assert all(0 < r <= c for r, c in zip(reloads, completes, strict=True)), edit.__name__


def test_the_tab_shows_a_page_each_edit_changes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "synth", 200)
    source = tmp_path / "synth" / "site_src"
    output = tmp_path / "synth" / "build"
    for choose in (edit(source) for _, edit in SYNTHETIC_EDITS):
        inputs = {path: path.read_bytes() for path in (source / "corpus").iterdir()}
        inputs.update({path: path.read_bytes() for path in source.glob("curation.yaml")})
        inputs.update({path: path.read_bytes() for path in source.glob("pages/*.md")})
        build_site(BuildOptions(source, output))  # with what the edit wrote first, if anything
        edit, page = choose(output)
        shown = output / page.lstrip("/") / "index.html"
        before = shown.read_bytes()
        edit(0)
        assert sum(path.read_bytes() != data for path, data in inputs.items()) == 1
        build_site(BuildOptions(source, output))
        assert shown.read_bytes() != before
        for path, data in inputs.items():
            path.write_bytes(data)


def test_each_synthetic_edit_updates_the_model_in_place(tmp_path: Path) -> None:
    """The edits measure the preview's quick path: the last model updated, not built again."""
    write_corpus(tmp_path / "synth", 200)
    source = tmp_path / "synth" / "site_src"
    output = tmp_path / "synth" / "build"
    build_site(BuildOptions(source, output))
    for choose in (edit(source) for _, edit in SYNTHETIC_EDITS):
        cache = DumpCache()
        first = read_site(source, dumps=cache)
        assert first.model is not None
        edit, _ = choose(output)
        for attempt in (0, 1):  # the edit, then the next (back again, or another spelling)
            edit(attempt)
            second = read_site(source, dumps=cache, last=(first.corpus, first.model))
            kept = [p for p in second.corpus.papers if p is first.corpus.papers_by_id.get(p.id)]
            assert len(kept) > len(second.corpus.papers) / 2, (choose, attempt)  # rebuilt: none
            assert second.corpus == read_site(source).corpus
            first = second
