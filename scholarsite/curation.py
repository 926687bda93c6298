"""``curation.yaml``: human corrections layered over the parsed corpus (the dumps are never edited).

Every entry that matches nothing is a warning naming ``curation.yaml:line``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scholarsite.corpus import Name, RawProfile, RawRecord
from scholarsite.corpus.arxiv import normalize_id
from scholarsite.corpus.names import parse_name
from scholarsite.errors import BuildFailed, Problem, SourceError
from scholarsite.naming import abstract_key
from scholarsite.yamlfile import LineDict, read_yaml, unknown_keys

CURATION_NAME = "curation.yaml"
_SECTIONS = ("profiles", "papers", "people", "acknowledge")
_PAPER_KEYS = ("match", "title", "arxiv", "authors", "hide")
_MATCH_KEYS = ("arxiv", "abstract_starts", "id")
_PEOPLE_KEYS = ("same_person", "different_people")


@dataclass(frozen=True)
class PaperFix:
    line: int
    match_arxiv: str | None = None
    match_abstract: str | None = None
    match_id: str | None = None
    title: str | None = None
    arxiv: str | None = None
    authors: tuple[Name, ...] | None = None
    hide: bool = False

    def matches(self, record: RawRecord) -> bool:
        if self.match_arxiv is not None:
            return record.arxiv is not None and normalize_id(record.arxiv) == self.match_arxiv
        if self.match_abstract is not None:
            return abstract_key(record.abstract or "").startswith(self.match_abstract)
        return False


@dataclass(frozen=True)
class Acknowledgement:
    line: int
    file: str
    source_line: int
    reason: str


Spellings = tuple[tuple[Name, ...], int]  # names in a people entry, and its line


@dataclass(frozen=True)
class Curation:
    profile_names: dict[str, tuple[Name, int]] = field(default_factory=dict)
    papers: tuple[PaperFix, ...] = ()
    same_person: tuple[Spellings, ...] = ()
    different_people: tuple[Spellings, ...] = ()  # likely variants a human says are not one
    acknowledgements: tuple[Acknowledgement, ...] = ()


def load_curation(source: Path) -> tuple[Curation, list[Problem]]:
    path = source / CURATION_NAME
    if not path.exists():
        return Curation(), []
    if not path.resolve().is_relative_to(source.resolve()):
        raise SourceError(CURATION_NAME, 0, "is a link to a file outside the site source")
    data = read_yaml(path, CURATION_NAME)
    if data is None:
        return Curation(), []
    reader = _Reader()
    if not isinstance(data, LineDict):
        raise BuildFailed(
            [Problem(CURATION_NAME, 1, "expected a mapping with sections " + ", ".join(_SECTIONS))]
        )
    reader.warnings += unknown_keys(data, _SECTIONS, CURATION_NAME)
    people = reader.people(data.get("people"), data.line_of("people"))
    curation = Curation(
        profile_names=reader.profiles(data.get("profiles"), data.line_of("profiles")),
        papers=reader.papers(data.get("papers"), data.line_of("papers")),
        same_person=people.get("same_person", ()),
        different_people=people.get("different_people", ()),
        acknowledgements=reader.acknowledgements(
            data.get("acknowledge"), data.line_of("acknowledge")
        ),
    )
    if reader.errors:
        raise BuildFailed([*reader.errors, *reader.warnings])
    return curation, reader.warnings


class _Reader:
    """Turns the YAML into a Curation, collecting every type error before failing once."""

    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def fail(self, line: int, message: str) -> None:
        self.errors.append(Problem(CURATION_NAME, line, message))

    def _text(self, value: Any, line: int, what: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        self.fail(line, f"{what} must be text, not {value!r}")
        return None

    def _names(self, value: Any, line: int, what: str) -> tuple[Name, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(line, f'{what} must be a list of "Last, First" names')
            return None
        return tuple(parse_name(v) for v in value)

    def profiles(self, value: Any, line: int) -> dict[str, tuple[Name, int]]:
        if value is None:
            return {}
        if not isinstance(value, LineDict):
            self.fail(line, 'profiles: expected "<dump file name>: {name: "Last, First"}" entries')
            return {}
        result = {}
        for file, entry in value.items():
            at = value.line_of(file)
            if not isinstance(entry, LineDict) or not isinstance(entry.get("name"), str):
                self.fail(at, f'profiles: {file}: expected {{name: "Last, First"}}')
                continue
            self.warnings += unknown_keys(entry, ("name",), CURATION_NAME, f"in profiles.{file}: ")
            result[str(file)] = (parse_name(entry["name"]), at)
        return result

    def papers(self, value: Any, line: int) -> tuple[PaperFix, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(line, "papers: expected a list of entries with match: and corrections")
            return ()
        return tuple(fix for entry in value if (fix := self.paper(entry, line)) is not None)

    def paper(self, entry: Any, line: int) -> PaperFix | None:
        if not isinstance(entry, LineDict) or not isinstance(entry.get("match"), LineDict):
            self.fail(
                getattr(entry, "line", line),
                "papers: each entry needs a match: {arxiv | abstract_starts | id}",
            )
            return None
        at, match = entry.line, entry["match"]
        self.warnings += unknown_keys(entry, _PAPER_KEYS, CURATION_NAME, "in a papers entry: ")
        self.warnings += unknown_keys(match, _MATCH_KEYS, CURATION_NAME, "in match: ")
        if sum(1 for key in _MATCH_KEYS if key in match) != 1:
            self.fail(at, "papers: match: needs exactly one of arxiv, abstract_starts, id")
            return None
        match_arxiv = self._text(match.get("arxiv"), at, "match.arxiv")
        arxiv = self._text(entry.get("arxiv"), at, "arxiv")
        for given in (match_arxiv, arxiv):
            if given is not None and normalize_id(given) is None:
                self.fail(
                    at, f"{given!r} is not an arXiv identifier (like 2410.21276 or hep-th/9901001)"
                )
        abstract = self._text(match.get("abstract_starts"), at, "match.abstract_starts")
        if abstract is not None and not abstract_key(abstract):
            self.fail(at, "match.abstract_starts is empty: give the first words of the abstract")
        hide = entry.get("hide", False)
        if not isinstance(hide, bool):
            self.fail(at, "hide must be true or false")
        return PaperFix(
            line=at,
            match_arxiv=normalize_id(match_arxiv) if match_arxiv else None,
            match_abstract=abstract_key(abstract) if abstract else None,
            match_id=self._text(match.get("id"), at, "match.id"),
            title=self._text(entry.get("title"), at, "title"),
            arxiv=normalize_id(arxiv) if arxiv else None,
            authors=self._names(entry.get("authors"), at, "authors"),
            hide=hide is True,
        )

    def people(self, value: Any, line: int) -> dict[str, tuple[Spellings, ...]]:
        """Each list under ``people:``, by its key."""
        if value is None:
            return {}
        if not isinstance(value, LineDict):
            self.fail(line, "people: expected a mapping with same_person: or different_people:")
            return {}
        self.warnings += unknown_keys(value, _PEOPLE_KEYS, CURATION_NAME, "in people: ")
        return {key: self._spellings(value, key) for key in _PEOPLE_KEYS}

    def _spellings(self, section: LineDict, key: str) -> tuple[Spellings, ...]:
        groups = section.get(key) or []
        if not isinstance(groups, list):
            self.fail(section.line_of(key), f"people.{key}: expected a list of lists of names")
            return ()
        result = []
        for group in groups:
            at = getattr(group, "line", section.line)
            names = self._names(group, at, f"each {key} entry")
            if names is not None and len(names) >= 2:
                result.append((names, at))
            elif names is not None:
                self.fail(at, f"a {key} entry needs two or more spellings")
        return tuple(result)

    def acknowledgements(self, value: Any, line: int) -> tuple[Acknowledgement, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(line, "acknowledge: expected a list of {file, line, reason}")
            return ()
        result = []
        for entry in value:
            at = getattr(entry, "line", line)
            if (
                not isinstance(entry, LineDict)
                or not isinstance(entry.get("file"), str)
                or not isinstance(entry.get("line"), int)
            ):
                self.fail(at, "acknowledge: each entry needs file: <dump name> and line: <number>")
                continue
            self.warnings += unknown_keys(
                entry, ("file", "line", "reason"), CURATION_NAME, "in acknowledge: "
            )
            reason = self._text(entry.get("reason"), at, "reason") or ""
            result.append(Acknowledgement(at, entry["file"], entry["line"], reason))
        return tuple(result)


def _dump_matches(problem_file: str, curated_file: str) -> bool:
    return problem_file in (curated_file, f"corpus/{curated_file}")


def name_profiles(profiles: Sequence[RawProfile], curation: Curation) -> list[Problem]:
    """Give profiles the owner names curation states; warn for names that match no dump."""
    problems = []
    for file, (name, line) in sorted(curation.profile_names.items()):
        found = [p for p in profiles if _dump_matches(p.file, file)]
        if not found:
            problems.append(
                Problem(CURATION_NAME, line, f"profiles: no dump named {file!r} in corpus/")
            )
        for profile in found:
            profile.owner = name
    return problems


def fix_records(profiles: Sequence[RawProfile], fixes: Iterable[PaperFix]) -> set[PaperFix]:
    """Apply arxiv- and abstract-matched fixes to raw records; returns the fixes that matched."""
    return apply_fixes([record for profile in profiles for record in profile.records], fixes)


def apply_fixes(records: Sequence[RawRecord], fixes: Iterable[PaperFix]) -> set[PaperFix]:
    """Apply each fix in turn to the records it matches (an earlier fix may make a later one
    match); returns the fixes that matched."""
    used = set()
    for fix in fixes:
        for record in records:
            if fix.matches(record):
                apply_fix(record, fix)
                used.add(fix)
    return used


def apply_fix(record: RawRecord, fix: PaperFix) -> None:
    if fix.title is not None:
        record.title = fix.title
    if fix.arxiv is not None:
        record.arxiv = fix.arxiv
    if fix.authors is not None:
        record.authors = fix.authors
    record.hidden = record.hidden or fix.hide


def acknowledge(problems: Iterable[Problem], curation: Curation) -> list[Problem]:
    """Mark reviewed quirks acknowledged; an acknowledgement matching no warning is a warning."""
    result = []
    used = set()
    for problem in problems:
        for ack in curation.acknowledgements:
            if ack.source_line == problem.line and _dump_matches(problem.file, ack.file):
                problem = replace(problem, acknowledged=True)
                used.add(ack)
        result.append(problem)
    for ack in curation.acknowledgements:
        if ack not in used:
            result.append(
                Problem(
                    CURATION_NAME,
                    ack.line,
                    f"acknowledge: no warning at {ack.file}:{ack.source_line}",
                )
            )
    return result
