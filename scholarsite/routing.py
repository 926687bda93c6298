"""Where a preview request leads: a request target mapped to a file of the output, a redirect
to a folder's URL, or an error status; never to a file outside the output. Also the content type
of a file, and the ``<base>`` that lets the 404 page, served at any path, link from the root."""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from scholarsite.watch import is_within

MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class Route:
    """Where a request path leads: a file to send, a redirect, or an error status."""

    status: int
    file: Path | None = None
    location: str | None = None


ENCODED_SEPARATORS = re.compile(r"%(2f|5c|00)", re.IGNORECASE)


def request_segments(target: str) -> list[str] | None:
    """The decoded path segments of a request target, or None if it is not a safe path.

    Refused: targets not starting with ``/``, encoded ``/``, ``\\`` or NUL, invalid UTF-8,
    backslashes, NUL, and ``.`` or ``..`` segments (plain or percent-encoded).
    """
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or ENCODED_SEPARATORS.search(path):
        return None
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in decoded or "\x00" in decoded:
        return None
    segments = [segment for segment in decoded.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        return None
    return segments


def viewed_file(page: str) -> str | None:
    """The output path of the page at URL path ``page`` (``/papers/x/`` → papers/x/index.html),
    or None when it is not a safe path."""
    segments = request_segments(page)
    if segments is None:
        return None
    if not segments or page.endswith("/"):
        segments.append("index.html")
    return "/".join(segments)


def route_request(root: Path, target: str) -> Route:
    """Map a request target to a file under ``root``; never to a file outside it."""
    if len(target) > MAX_URL_LENGTH:
        return Route(414)
    segments = request_segments(target)
    if segments is None:
        return Route(403)
    real_root = root.resolve()
    candidate = real_root.joinpath(*segments)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return Route(404)
    if not is_within(real, [real_root]):
        return Route(404)  # a symlink leading out of the site
    if real.is_dir():
        return route_directory(real, segments, target)
    if target.split("?", 1)[0].endswith("/") or not real.is_file():
        return Route(404)
    return Route(200, file=real)


def route_directory(directory: Path, segments: list[str], target: str) -> Route:
    path = target.split("?", 1)[0]
    if not path.endswith("/"):
        query = target[len(path) :].split("#", 1)[0]
        location = "/" + "".join(quote(segment) + "/" for segment in segments) + query
        return Route(302, location=location)
    index = directory / "index.html"
    return Route(200, file=index) if index.is_file() else Route(404)


CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
    ".bib": "text/plain; charset=utf-8",
}


def content_type(path: Path | PurePosixPath) -> str:
    """The MIME type for a file name; fixed for the web types, the system's guess otherwise."""
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name, strict=False)
    return guessed or "application/octet-stream"


def add_root_base(document: str) -> str:
    """Make a page served at another path (the 404 page) resolve its links from the site root."""
    if re.search(r"<base[\s>]", document, re.IGNORECASE):
        return document
    head = re.search(r"<head(\s[^>]*)?>", document, re.IGNORECASE)
    if head is None:
        return document
    return document[: head.end()] + '<base href="/">' + document[head.end() :]
