"""The command line's progress report."""

from __future__ import annotations

import io

import pytest

from scholarsite.cli import TerminalProgress


def test_progress_off_a_terminal_is_a_few_lines_with_the_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([100.0, 102.0, 104.0, 106.0, 108.0, 110.0])
    monkeypatch.setattr("scholarsite.cli.time.monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    for done in (0, 1000, 1100, 3000, 4000):
        progress("pages", done, 4000)
    assert stream.getvalue().splitlines() == [
        "  pages: 0/4000",
        "  pages: 1000/4000 (250 pages/s)",
        "  pages: 3000/4000 (375 pages/s)",
        "  pages: 4000/4000 (400 pages/s)",
    ]
