"""The parse cache the preview server keeps: reused while a dump is unchanged, never altered."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scholarsite.corpus import DumpCache, read_corpus
from scholarsite.corpus.records import Name
from scholarsite.errors import Problem

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


def test_changes_to_a_read_profile_leave_the_cache_as_parsed() -> None:
    cache = DumpCache()
    profile = read_corpus(SHIPPED, cache)[0]
    record = replace(profile.records[0])
    profile.owner = Name("Changed", "Owner")
    profile.records[0].title = "Changed"
    profile.records.append(profile.records[0])
    profile.problems.append(Problem(profile.file, 1, "changed"))
    fresh = read_corpus(SHIPPED, cache)[0]
    assert fresh.records[0] == record
    assert fresh.owner != profile.owner
    assert len(fresh.records) == len(profile.records) - 1
    assert fresh.problems == profile.problems[:-1]
