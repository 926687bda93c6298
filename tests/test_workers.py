"""Work made in a child process: its result, its exceptions and its death reach the parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from scholarsite.errors import BuildFailed, Problem, ScholarsiteError, SourceError
from scholarsite.workers import made_apart


class Unpicklable(Exception):
    def __init__(self, detail: str, code: int) -> None:  # pickling would call it with one
        super().__init__(f"{detail} ({code})")


def test_the_result_arrives_whole_and_the_child_is_reaped() -> None:
    shared = ("a" * 10, "a" * 10)
    value = {"pid": None, "rows": [(i, str(i), shared) for i in range(50_000)]}

    def make() -> dict[str, object]:
        return {**value, "pid": os.getpid()}

    made = made_apart("making", make)
    assert made["rows"] == value["rows"]
    assert made["pid"] != os.getpid()
    with pytest.raises(ChildProcessError):  # waited for: no zombie left
        os.waitpid(-1, os.WNOHANG)


def test_errors_the_user_can_act_on_are_raised_as_they_were() -> None:
    problems = [Problem("curation.yaml", 3, "not a list"), Problem("corpus/a.txt", 9, "bad")]

    def fail_build() -> None:
        raise BuildFailed(problems)

    def fail_source() -> None:
        raise SourceError("site.yaml", 4, "broken YAML")

    with pytest.raises(BuildFailed) as failed:
        made_apart("failing", fail_build)
    assert failed.value.problems == problems
    with pytest.raises(SourceError, match=r"^site\.yaml:4: broken YAML$") as source:
        made_apart("failing", fail_source)
    assert source.value.problem == Problem("site.yaml", 4, "broken YAML")
    assert not getattr(source.value, "__notes__", None)


def test_other_errors_carry_the_childs_traceback() -> None:
    def broken() -> None:
        {}["missing"]

    with pytest.raises(KeyError) as raised:
        made_apart("breaking", broken)
    assert "in broken" in raised.value.__notes__[0]


def test_an_error_that_cannot_be_pickled_is_described() -> None:
    def broken() -> None:
        raise Unpicklable("odd", 7)

    with pytest.raises(RuntimeError, match=r"Unpicklable: odd \(7\)") as raised:
        made_apart("breaking", broken)
    assert "in broken" in raised.value.__notes__[0]


def test_a_child_that_dies_is_reported_with_what_ended_it() -> None:
    with pytest.raises(ScholarsiteError, match=r"process dying ended .*signal 9.*fewer --jobs"):
        made_apart("dying", lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(ScholarsiteError, match="exit status 3"):
        made_apart("dying", lambda: os._exit(3))


def test_output_buffered_before_the_fork_is_written_once() -> None:
    code = (
        "import sys; from scholarsite.workers import made_apart\n"
        "print('before', end=' ')\n"
        "print(made_apart('printing', lambda: print('inside', end=' ') or 42))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.split() == ["before", "inside", "42"]
