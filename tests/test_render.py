"""The Jinja environment: compiled templates kept between builds in one process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from scholarsite.render import make_environment


def compiling(env: jinja2.Environment) -> list[str]:
    """Names of the templates ``env`` compiles from source from now on."""
    names: list[str] = []
    original = env.compile

    def compile(source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        names.append(name or "")
        return original(source, name, *args, **kwargs)

    env.compile = compile  # type: ignore[method-assign]
    return names


def test_a_later_build_reuses_compiled_templates_until_their_source_changes(
    tmp_path: Path,
) -> None:
    template = tmp_path / "t.html"
    template.write_text("one {{ x }}", encoding="utf-8")
    assert make_environment(tmp_path).get_template("t.html").render(x=1) == "one 1"

    env = make_environment(tmp_path)
    compiled = compiling(env)
    assert env.get_template("t.html").render(x=2) == "one 2"
    assert compiled == []

    template.write_text("two {{ x }}", encoding="utf-8")  # same length, new checksum
    env = make_environment(tmp_path)
    compiled = compiling(env)
    assert env.get_template("t.html").render(x=3) == "two 3"
    assert compiled == ["t.html"]
