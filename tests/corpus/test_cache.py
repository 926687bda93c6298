"""The parse cache the preview server keeps: reused while a dump is unchanged, never altered."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scholarsite.build import read_site
from scholarsite.corpus import DumpCache, read_corpus

SHIPPED = Path(__file__).resolve().parents[2] / "site_src"


def test_unchanged_dumps_are_not_parsed_again(tmp_path: Path) -> None:
    source = tmp_path / "site_src"
    (source / "corpus").mkdir(parents=True)
    for dump in sorted((SHIPPED / "corpus").iterdir()):
        (source / "corpus" / dump.name).write_bytes(dump.read_bytes())
    cache = DumpCache()
    first = read_corpus(source, cache)
    parsed = {file: known[1] for file, known in cache.parsed.items()}
    edited = source / "corpus" / sorted(p.name for p in (source / "corpus").iterdir())[0]
    edited.write_bytes(edited.read_bytes() + b"\n")
    second = read_corpus(source, cache)
    again = {file: known[1] for file, known in cache.parsed.items()}
    changed = f"corpus/{edited.name}"
    assert [file for file in parsed if again[file] is not parsed[file]] == [changed]
    assert second == first  # a trailing blank line changes nothing
    edited.unlink()
    assert changed not in {p.file for p in read_corpus(source, cache)}
    assert changed not in cache.parsed


def test_building_the_model_leaves_the_cached_parse_as_parsed() -> None:
    as_parsed = [replace(p, source_lines=()) for p in read_corpus(SHIPPED)]  # as cached
    cache = DumpCache()
    site = read_site(SHIPPED, dumps=cache)  # curation renames owners and retitles records
    parsed_titles = {r.title for p in as_parsed for r in p.records}
    assert any(paper.title not in parsed_titles for paper in site.corpus.papers)
    assert read_corpus(SHIPPED, cache) == as_parsed
    assert read_site(SHIPPED, dumps=cache).corpus == site.corpus
