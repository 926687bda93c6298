"""What the check reports: findings, each with a place, a kind, a severity and a fix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One result of the check: where, what, how bad, and (optionally) the fix to paste."""

    severity: str
    kind: str
    file: str
    line: int
    message: str
    fix: str = ""

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "severity": self.severity,
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
        if self.fix:
            data["fix"] = self.fix
        return data


def error(kind: str, file: str, line: int, message: str, fix: str = "") -> Finding:
    return Finding(ERROR, kind, file, line, message, fix)


def warning(kind: str, file: str, line: int, message: str, fix: str = "") -> Finding:
    return Finding(WARNING, kind, file, line, message, fix)
