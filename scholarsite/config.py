"""``site.yaml`` → a frozen SiteConfig. Every problem is collected and reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scholarsite.errors import BuildFailed, Problem, ScholarsiteError
from scholarsite.yamlfile import LineDict, read_yaml, unknown_keys

CONFIG_NAME = "site.yaml"


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Research corpus"
    description: str = ""
    language: str = "en"
    base_url: str = ""
    author: str = ""
    recent_papers: int = 10
    authors_shown: int = 12

    def with_base_url(self, base_url: str | None) -> SiteConfig:
        if base_url is None:
            return self
        return replace(self, base_url=normalize_base_url(base_url))


def normalize_base_url(url: str) -> str:
    """Absolute base URLs end with one slash; an empty one stays empty (relative-only site).
    Anything but an ``http(s)://host/...`` URL is refused: it ends up in every canonical link."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _UNSAFE_URL.search(url):
        raise ScholarsiteError(
            f"base URL {url!r} is not an absolute http(s) URL such as https://example.org/site/; "
            "fix base_url in site.yaml or --base-url"
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ScholarsiteError(
            f"base URL {url!r} has a ?query or #fragment, which would end up in the middle of "
            "every page's address; give the folder the site is published at, such as "
            "https://example.org/site/"
        )
    return url.rstrip("/") + "/"


_UNSAFE_URL = re.compile(r"[\s\"'<>`\\{}|^\x00-\x1f\x7f]")


def load_config(source: Path) -> tuple[SiteConfig, list[Problem]]:
    """Read ``site.yaml`` (optional). Wrong types fail the build; unknown keys are warnings."""
    path = source / CONFIG_NAME
    if not path.exists():
        return SiteConfig(), []
    data = read_yaml(path, CONFIG_NAME)
    if data is None:
        return SiteConfig(), []
    if not isinstance(data, LineDict):
        raise BuildFailed([Problem(CONFIG_NAME, 1, "expected a mapping of settings (key: value)")])
    known = {f.name for f in fields(SiteConfig)}
    warnings = unknown_keys(data, known, CONFIG_NAME)
    values, errors = _typed_values(data, known)
    if errors:
        raise BuildFailed(sorted(errors + warnings))
    if not _LANGUAGE_TAG.fullmatch(values.get("language", "en")):
        message = f"language {values['language']!r} is not a language tag such as en, de or pt-BR"
        raise BuildFailed([Problem(CONFIG_NAME, data.line_of("language"), message)])
    if "base_url" in values:
        try:
            values["base_url"] = normalize_base_url(values["base_url"])
        except ScholarsiteError as error:
            raise BuildFailed(
                [Problem(CONFIG_NAME, data.line_of("base_url"), str(error))]
            ) from None
    return SiteConfig(**values), warnings


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")  # BCP 47, loosely


def _typed_values(data: LineDict, known: set[str]) -> tuple[dict[str, Any], list[Problem]]:
    """The known settings with the right types, and an error for each one of the wrong type."""
    values: dict[str, Any] = {}
    errors = []
    for key, value in data.items():
        if key not in known:
            continue
        expected = type(getattr(SiteConfig(), key))
        if (
            expected is int
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value >= 0
        ):
            values[key] = value
        elif (
            expected is str and isinstance(value, str | int | float) and not isinstance(value, bool)
        ):
            values[key] = str(value)
        else:
            want = "a whole number ≥ 0" if expected is int else "text"
            message = f"{key!r} must be {want}, not {describe_value(value)}"
            errors.append(Problem(CONFIG_NAME, data.line_of(key), message))
    return values, errors


def describe_value(value: object) -> str:
    """A short description of a YAML value for a message: never the whole of a large (or
    alias-expanded) structure."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
