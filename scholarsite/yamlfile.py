"""YAML files read with their line numbers, and errors that point at the offending line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from scholarsite.corpus.decode import CONTROL
from scholarsite.errors import Problem, SourceError


class LineDict(dict[str, Any]):
    """A mapping that remembers the line it started on (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        lines: dict[str, int] = getattr(self, "key_lines", {})
        return lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    _refuse_duplicate_keys(loader, node)
    mapping = loader.construct_mapping(node, deep=True)
    result = LineDict(
        {str(key) if not isinstance(key, str) else key: v for key, v in mapping.items()}
    )
    result.line = node.start_mark.line + 1
    result.key_lines = {
        str(loader.construct_object(key)): key.start_mark.line + 1 for key, _ in node.value
    }
    return result


def _refuse_duplicate_keys(loader: _Loader, node: yaml.MappingNode) -> None:
    """YAML keeps the last of two equal keys silently; a site file with one is a mistake."""
    first: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if isinstance(key, str | int | float | bool) and key in first:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first given on line {first[key]}): keep one of them",
                key_node.start_mark,
            )
        if isinstance(key, str | int | float | bool):
            first[key] = line


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_sequence(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    text = without_surrogates(str(loader.construct_scalar(node)))
    if found := CONTROL.search(text):
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"the value holds the control character U+{ord(found.group()):04X}, which no page "
            "may show: remove it",
            node.start_mark,
        )
    return text


def without_surrogates(text: str) -> str:
    """YAML escapes (``"\\ud83d\\ude00"``, as PyYAML itself writes emoji) can spell UTF-16
    surrogates: a pair becomes its character, a lone one U+FFFD, so the text can be encoded."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _string)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def parse_yaml(text: str, name: str) -> Any:
    """Parse ``text``; a syntax error becomes a SourceError with line, column and the line."""
    try:
        return yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        line, message = _describe_yaml_error(error, text.splitlines())
        raise SourceError(name, line, message) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, error.position) + 1
        message = f"invalid YAML: the character U+{error.character:04X} is not allowed: remove it"
        raise SourceError(name, line, message) from None
    except yaml.YAMLError as error:
        raise SourceError(name, 0, f"invalid YAML: {error}") from None
    except RecursionError:
        raise SourceError(name, 0, "invalid YAML: nested too deeply to read") from None


def _describe_yaml_error(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, str]:
    """(line, message): where it went wrong, what the parser was reading, and the line.

    An error found at the end of the file (an unclosed quote or bracket) points at where the
    unclosed thing started instead, since that is the line to fix."""
    mark = error.problem_mark or error.context_mark
    context = error.context_mark
    unclosed = mark is not None and mark.line >= len(lines) and context is not None
    if unclosed:
        mark = context
    line = mark.line + 1 if mark else 0
    column = mark.column + 1 if mark else 0
    problem = error.problem or "invalid YAML"
    while_ = ""
    if unclosed:
        while_ = f" ({error.context} that starts here and is never closed)"
    elif error.context and context is not None:
        while_ = (
            f" ({error.context}, started at line {context.line + 1}, column {context.column + 1})"
        )
    shown = f"\n    {lines[line - 1]}\n    {' ' * (column - 1)}^" if 0 < line <= len(lines) else ""
    return (
        line,
        f"invalid YAML at column {column}: {problem}{while_}{shown}\n  fix it and build again",
    )


def read_yaml(path: Path, name: str) -> Any:
    """Read and parse a UTF-8 YAML file; every failure is a SourceError that names the file."""
    return parse_yaml(read_text(path, name), name)


def read_text(path: Path, name: str) -> str:
    """A UTF-8 source file's text (a byte-order mark dropped); a file that cannot be read or is
    not UTF-8 is a SourceError that names it (and the line of the first bad byte)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(name, 0, f"cannot read the file: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text ({error.reason}); save it as UTF-8"
        raise SourceError(name, line, message) from None


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
