"""The one exception family and the warning record every stage reports with.

Every message names where the problem is (``path:line``) and, where it can, what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A warning about the input: where it is, what it is, and whether a human accepted it."""

    file: str
    line: int
    message: str
    acknowledged: bool = False

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        mark = " (acknowledged)" if self.acknowledged else ""
        return f"{self.location()}: {self.message}{mark}"


class ScholarsiteError(Exception):
    """A problem the user can act on; the CLI prints it without a traceback."""


class SourceError(ScholarsiteError):
    """An input file that cannot be used at all."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.problem = Problem(file, line, message)
        super().__init__(str(self.problem))

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, int, str]]:
        return (SourceError, (self.problem.file, self.problem.line, self.problem.message))


class BuildFailed(ScholarsiteError):
    """The build stopped; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"the build failed with {len(problems)} problem(s):\n{lines}")

    def __reduce__(self) -> tuple[type[BuildFailed], tuple[list[Problem]]]:
        return (BuildFailed, (self.problems,))  # so a child process can report it


class UsageError(ScholarsiteError):
    """Bad command-line usage (exit code 2)."""
