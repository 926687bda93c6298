"""Where a preview request leads: safe paths only, never out of the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarsite.routing import content_type, request_segments, route_request


@pytest.mark.parametrize(
    ("target", "segments"),
    [
        ("/", []),
        ("/a/b/", ["a", "b"]),
        ("/a//b?q=1#x", ["a", "b"]),
        ("/caf%C3%A9/", ["café"]),
        ("/a/../b", None),
        ("/%2e%2e/b", None),
        ("/a%2fb", None),
        ("/a%5Cb", None),
        ("/a%00", None),
        ("/a\\b", None),
        ("/%ff", None),
        ("relative", None),
        ("*", None),
    ],
)
def test_request_segments(target: str, segments: list[str] | None):
    assert request_segments(target) == segments


def test_route_request_never_leaves_the_root(tmp_path: Path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.html").write_text("a")
    (tmp_path / "secret").write_text("s")
    (root / "escape").symlink_to(tmp_path)
    assert route_request(root, "/a.html").file == root / "a.html"
    assert route_request(root, "/escape/secret").status == 404
    assert route_request(root, "/escape").status == 404
    assert route_request(root, "/" + "x" * 3000).status == 414


def test_content_type_of_common_files():
    assert content_type(Path("a.HTML")) == "text/html; charset=utf-8"
    assert content_type(Path("a.png")) == "image/png"
    assert content_type(Path("noext")) == "application/octet-stream"
