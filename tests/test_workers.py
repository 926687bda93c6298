"""Work made in a child process: its result, its exceptions and its death reach the parent.

Each case runs in a process of its own: a child is forked only from a process with no other
threads, which a test process cannot promise."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

OUTCOME = """
import json, os, signal, sys
from scholarsite.errors import BuildFailed, Problem, ScholarsiteError, SourceError
from scholarsite.workers import made_apart

class Unpicklable(Exception):
    def __init__(self, detail, code):  # pickling would call it with one argument
        super().__init__(f"{detail} ({code})")

def describe(error):
    return {"type": type(error).__name__, "message": str(error),
            "notes": getattr(error, "__notes__", []),
            "problems": [str(p) for p in getattr(error, "problems", [])],
            "problem": str(getattr(error, "problem", ""))}

%s

try:
    outcome = {"value": made_apart("testing", make), "parent": os.getpid()}
except BaseException as error:
    outcome = {"error": describe(error)}
try:
    os.waitpid(-1, os.WNOHANG)
    outcome["children"] = "left"
except ChildProcessError:
    outcome["children"] = "none"
print(json.dumps(outcome))
"""


def outcome(make: str) -> dict[str, Any]:
    """What ``made_apart`` gave or raised for the ``make`` defined by this code, in a process
    of its own; ``children`` says whether it left a child unwaited for, ``stderr`` what the
    processes wrote there."""
    code = OUTCOME % textwrap.dedent(make)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return found | {"stderr": done.stderr}


def test_the_result_arrives_whole_and_the_child_is_reaped() -> None:
    found = outcome(
        """
        def make():
            shared = "a" * 10
            return {"pid": os.getpid(), "rows": [[i, str(i), shared] for i in range(50_000)]}
        """
    )
    assert found["value"]["rows"] == [[i, str(i), "a" * 10] for i in range(50_000)]
    assert found["value"]["pid"] != found["parent"]
    assert found["children"] == "none"


def test_errors_the_user_can_act_on_are_raised_as_they_were() -> None:
    failed = outcome(
        """
        def make():
            raise BuildFailed([Problem("curation.yaml", 3, "not a list"),
                               Problem("corpus/a.txt", 9, "bad")])
        """
    )["error"]
    assert failed["type"] == "BuildFailed"
    assert failed["problems"] == ["curation.yaml:3: not a list", "corpus/a.txt:9: bad"]
    source = outcome('def make():\n    raise SourceError("site.yaml", 4, "broken YAML")')
    assert source["error"]["type"] == "SourceError"
    assert source["error"]["message"] == source["error"]["problem"] == "site.yaml:4: broken YAML"
    assert source["error"]["notes"] == []
    assert source["children"] == "none"


def test_other_errors_carry_the_childs_traceback() -> None:
    raised = outcome('def make():\n    return {}["missing"]')["error"]
    assert raised["type"] == "KeyError"
    assert "in make" in raised["notes"][0]


def test_an_error_that_cannot_be_pickled_is_described() -> None:
    raised = outcome('def make():\n    raise Unpicklable("odd", 7)')["error"]
    assert raised["type"] == "RuntimeError"
    assert raised["message"] == "Unpicklable: odd (7)"
    assert "in make" in raised["notes"][0]


def test_a_child_that_dies_is_reported_with_what_ended_it() -> None:
    killed = outcome("def make():\n    os.kill(os.getpid(), signal.SIGKILL)")
    assert killed["error"]["type"] == "ScholarsiteError"
    assert killed["error"]["message"] == (
        "the process testing ended with no result (killed: if the system ran out of memory, "
        "build with fewer --jobs)"
    )
    assert killed["children"] == "none"
    ended = outcome("def make():\n    os._exit(3)")
    assert ended["error"]["message"] == "the process testing ended with no result (exit status 3)"


def test_a_result_that_cannot_be_sent_is_reported_with_why() -> None:
    """Pickling fails part way through the stream: the parent reports the child's end, and the
    child has said why on standard error."""
    found = outcome('def make():\n    return ["x" * 100_000, lambda: 1]')
    assert found["error"]["message"].endswith("ended with no result (exit status 1)")
    assert "Can't pickle" in found["stderr"]
    assert found["children"] == "none"


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
