"""The wheel carries the default theme: a site source with no theme beside it builds from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def project_copy(target: Path) -> Path:
    """What the wheel is made from, copied: setuptools writes its work files into ``build/``
    beside ``pyproject.toml``, which in the repository is the site's output directory."""
    for name in ("pyproject.toml", "README.md"):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, target / name)
    for name in ("scholarsite", "templates", "static"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_a_wheel_builds_a_site_with_its_packaged_theme(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project")
    site_output = sorted(os.listdir(ROOT / "build")) if (ROOT / "build").is_dir() else None
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
         "--wheel-dir", str(tmp_path / "dist"), str(project)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    now = sorted(os.listdir(ROOT / "build")) if (ROOT / "build").is_dir() else None
    assert now == site_output  # the repository's build/ is the site's, and left alone
    (wheel,) = (tmp_path / "dist").glob("scholarsite-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "installed")
    modules = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "scholarsite").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules - names == set()  # every module of the package, subpackages included
    assert {
        "scholarsite/theme_templates/base.html",
        "scholarsite/theme_templates/partials/paper_item.html",
        "scholarsite/theme_static/style.css",
        "scholarsite/theme_static/search.js",
    } <= names
    site = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "site_src", site / "site_src")
    done = subprocess.run(
        [sys.executable, "-m", "scholarsite", "build", "--strict", "--output", "out"],
        cwd=site, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "installed")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (site / "out" / "static" / "style.css").is_file()
    assert "<main" in (site / "out" / "papers" / "gpt-4o-system-card" / "index.html").read_text()
    check = subprocess.run(
        [sys.executable, "-c", "import scholarsite; print(scholarsite.__file__)"],
        cwd=site, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "installed")},
    )  # fmt: skip
    assert check.stdout.startswith(str(tmp_path / "installed"))
