"""Reading the corpus: every dump in ``corpus/`` → a raw profile of records, with warnings."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from scholarsite.corpus.abstracts import ABSTRACT_PREFIX, parse_abstracts
from scholarsite.corpus.decode import decode_dump, looks_binary
from scholarsite.corpus.detect import detect_layout
from scholarsite.corpus.listing import parse_listing
from scholarsite.corpus.names import parse_name
from scholarsite.corpus.records import Layout, Name, RawProfile, RawRecord, SourceLine
from scholarsite.corpus.shapes import (
    looks_like_abstract,
    looks_like_author_list,
    looks_like_person_name,
)
from scholarsite.corpus.titled import parse_titled
from scholarsite.errors import Problem
from scholarsite.gcpause import collector_paused
from scholarsite.workers import worker_count

__all__ = ["DumpCache", "Layout", "Name", "RawProfile", "RawRecord", "parse_dump", "read_corpus"]

_PARSERS = {Layout.TITLED: parse_titled, Layout.ABSTRACTS: parse_abstracts}


class DumpCache:
    """Parsed dumps, reused while a file's bytes are unchanged (the preview server keeps one
    from build to build, so an edit to one dump parses only that dump). The profiles it gives
    are shared from build to build: change only copies of them (``RawProfile.copy``)."""

    def __init__(self) -> None:
        self.parsed: dict[str, tuple[bytes, RawProfile]] = {}

    def parse(self, data: bytes, file: str) -> RawProfile:
        known = self.parsed.get(file)
        if known is None or known[0] != data:
            parsed = replace(parse_dump(data, file), source_lines=())  # only tests read those
            known = self.parsed[file] = (data, parsed)
        return known[1]

    def keep_only(self, files: set[str]) -> None:
        self.parsed = {file: known for file, known in self.parsed.items() if file in files}


# Below this many bytes of dumps, forking costs more than parsing them here.
PARALLEL_BYTES = 8 << 20


def read_corpus(
    source: Path, cache: DumpCache | None = None, jobs: int | None = None
) -> list[RawProfile]:
    """Every regular file in ``source/corpus``, sorted; links out of ``source`` are refused.

    Without a cache, a large corpus is parsed in ``jobs`` forked workers (default: all cores),
    whose profiles come back without their ``source_lines``."""
    corpus = source / "corpus"
    if not corpus.is_dir():
        return []
    root = source.resolve()
    inside = corpus.resolve().is_relative_to(root)  # then only a link can lead outside
    found: list[RawProfile | tuple[str, Path]] = []
    with os.scandir(corpus) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        rel, path = f"corpus/{entry.name}", corpus / entry.name
        if entry.name.startswith(".") or not entry.is_file():
            continue
        if not (inside and not entry.is_symlink()) and not path.resolve().is_relative_to(root):
            found.append(_refused(rel, "is a link to a file outside the site source; skipped"))
        else:
            found.append((rel, path))
    dumps = [entry for entry in found if isinstance(entry, tuple)]
    if cache is not None:
        parsed = {rel: cache.parse(path.read_bytes(), rel) for rel, path in dumps}
        cache.keep_only(set(parsed))
    else:
        parsed = {profile.file: profile for profile in _parse_files(dumps, jobs)}
    return [parsed[entry[0]] if isinstance(entry, tuple) else entry for entry in found]


def _parse_files(dumps: list[tuple[str, Path]], jobs: int | None) -> list[RawProfile]:
    """Parse dumps here, or in forked workers when there are enough bytes to share."""
    sizes = [path.stat().st_size for _, path in dumps]
    workers = worker_count(jobs, sum(sizes), PARALLEL_BYTES // 2)
    if workers == 1:
        return [parse_dump(path.read_bytes(), rel) for rel, path in dumps]
    shares = _shares(dumps, sizes, workers * 4)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return [profile for share in pool.map(_parse_share, shares) for profile in share]


def _shares(
    dumps: list[tuple[str, Path]], sizes: list[int], count: int
) -> list[list[tuple[str, Path]]]:
    """``dumps`` cut into about ``count`` runs of about equal bytes, in order."""
    target = sum(sizes) / count
    shares: list[list[tuple[str, Path]]] = [[]]
    held = 0
    for dump, size in zip(dumps, sizes, strict=True):
        if held >= target:
            shares.append([])
            held = 0
        shares[-1].append(dump)
        held += size
    return shares


def _parse_share(dumps: list[tuple[str, Path]]) -> list[RawProfile]:
    """In a worker: parse these dumps (their lines stay here: sending them costs more)."""
    with collector_paused():  # records hold no reference cycles
        return [replace(parse_dump(path.read_bytes(), rel), source_lines=()) for rel, path in dumps]


def _refused(file: str, message: str) -> RawProfile:
    return RawProfile(file, Layout.EMPTY, None, None, problems=[Problem(file, 1, message)])


def parse_dump(data: bytes, file: str) -> RawProfile:
    """One dump's bytes → its profile. Never raises on bad content: problems become warnings."""
    if looks_binary(data):
        return _refused(file, "looks like a binary file, not a text dump; skipped")
    lines, problems = decode_dump(data, file)
    content = [line for line in lines if line.text.strip()]
    layout = detect_layout(content)
    if layout is Layout.EMPTY:
        problems.append(Problem(file, 1, "empty dump"))
        return RawProfile(file, layout, None, None, problems=problems)
    owner, owner_line, body = _split_header(layout, content, file, problems)
    if layout is Layout.LISTING:
        records, found = parse_listing(body, file)
    else:
        records, found = _PARSERS[layout](body, file)
    problems.extend(found)
    if not records:
        problems.append(Problem(file, owner_line or 1, "the dump lists no papers"))
    return RawProfile(file, layout, owner, owner_line, records, problems, tuple(lines))


def _split_header(
    layout: Layout, lines: list[SourceLine], file: str, problems: list[Problem]
) -> tuple[Name | None, int | None, list[SourceLine]]:
    """The owner's name line, if the layout has one and the first line looks like a name."""
    first = lines[0]
    if layout is Layout.LISTING:
        return None, None, lines
    if _is_owner_line(layout, lines):
        return parse_name(first.text), first.number, lines[1:]
    problems.append(
        Problem(
            file,
            first.number,
            "the first line is not an owner name: the profile is unnamed "
            "(name it in curation.yaml)",
        )
    )
    return None, None, lines


def _is_owner_line(layout: Layout, lines: list[SourceLine]) -> bool:
    """A short name-shaped first line; in a titled dump, not a title (a comma-free line directly
    followed by an author list and then prose is the first paper's title)."""
    first = lines[0].text
    if not looks_like_person_name(first) or ABSTRACT_PREFIX.match(first):
        return False
    if layout is not Layout.TITLED or "," in first or len(lines) < 3:
        return True
    return not (looks_like_author_list(lines[1].text) and looks_like_abstract(lines[2].text))
