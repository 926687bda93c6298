"""YAML files read with their line numbers, and errors that point at the offending line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from scholarsite.errors import Problem, SourceError


class LineDict(dict[str, Any]):
    """A mapping that remembers the line it started on (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class LineList(list[Any]):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    result.key_lines = {
        str(loader.construct_object(key)): key.start_mark.line + 1 for key, _ in node.value
    }
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def parse_yaml(text: str, name: str) -> Any:
    """Parse ``text``; a syntax error becomes a SourceError with line, column and the line itself."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        lines = text.splitlines()
        shown = f"\n    {lines[line - 1]}\n    {' ' * (column - 1)}^" if 0 < line <= len(lines) else ""
        problem = error.problem or "invalid YAML"
        raise SourceError(
            name, line, f"invalid YAML at column {column}: {problem}{shown}\n  fix the syntax and build again"
        ) from None
    except yaml.YAMLError as error:
        raise SourceError(name, 0, f"invalid YAML: {error}") from None


def read_yaml(path: Path, name: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(name, 0, f"not UTF-8 text ({error.reason}); save it as UTF-8") from None
    return parse_yaml(text, name)


def unknown_keys(
    mapping: LineDict, known: Iterable[str], name: str, where: str = ""
) -> list[Problem]:
    """A warning per key that is not in ``known``, suggesting the closest valid key."""
    known = sorted(known)
    problems = []
    for key in mapping:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"valid keys: {', '.join(known)}"
        problems.append(Problem(name, mapping.line_of(key), f"unknown key {where}{key!r}: {hint}"))
    return problems
