"""Where the templates and static files come from.

A site source uses the ``templates/`` and ``static/`` beside it when present, and the default theme
otherwise: the copy installed with the package, or the checkout's own directories.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Theme:
    templates: Path
    static: Path


def _installed(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_theme() -> Theme:
    templates = _installed("scholarsite.theme_templates") or _CHECKOUT / "templates"
    static = _installed("scholarsite.theme_static") or _CHECKOUT / "static"
    return Theme(templates, static)


def find_theme(source: Path) -> Theme:
    beside = source.resolve().parent
    default = default_theme()
    templates = beside / "templates"
    static = beside / "static"
    return Theme(
        templates if templates.is_dir() else default.templates,
        static if static.is_dir() else default.static,
    )
