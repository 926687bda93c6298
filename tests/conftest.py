"""Shared fixtures: the shipped site source and builds of it into temporary directories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scholarsite.build import BuildOptions, BuildResult, build_site

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "site_src"


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The shipped site, built once per test session (read-only for tests)."""
    output = tmp_path_factory.mktemp("shipped") / "build"
    return build_site(BuildOptions(SHIPPED, output))


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped site source (with its theme beside it)."""
    source = tmp_path / "site_src"
    shutil.copytree(SHIPPED, source)
    return source
