"""Broken input: every bad file gets a precise ``file:line`` message, the rest of the site builds,
``--strict`` lists every problem at once, and no source line disappears silently.

The broken dumps live in ``tests/invalid/corpus/``; beside each is a ``.expected`` file holding
the exact outcome (paper count, titles, ids, and every warning by line).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scholarsite.build import BuildOptions, build_site
from scholarsite.corpus import RawProfile, parse_dump
from scholarsite.errors import BuildFailed

ROOT = Path(__file__).resolve().parent.parent
INVALID = Path(__file__).resolve().parent / "invalid" / "corpus"
SHIPPED_CORPUS = ROOT / "site_src" / "corpus"
DUMPS = sorted(p for p in INVALID.iterdir() if p.suffix != ".expected")

GOOD_DUMP = (
    "Lu, Cheng\n"
    "A Paper That Parses\n"
    "Lu, Cheng, Song, Yang\n"
    "We show that a well-formed dump beside broken ones still becomes a paper page, with its title"
    " and its authors, whatever happens to the files next to it.\n"
)


# ---- the accounting check ------------------------------------------------------------------


def unaccounted_lines(profile: RawProfile) -> list[int]:
    """Non-blank source lines that ended in no paper, header or warning (should be none)."""
    nonblank = {line.number for line in profile.source_lines if line.text.strip()}
    return sorted(nonblank - profile.accounted_lines())


def assert_accounted(profile: RawProfile) -> None:
    missing = unaccounted_lines(profile)
    assert not missing, f"{profile.file}: lines {missing} are in no paper, header or warning"


# ---- the expected-outcome sidecars ---------------------------------------------------------


@dataclass
class Expected:
    papers: int
    facts: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def read_expected(dump: Path) -> Expected:
    """``papers: N``, optional ``owner:``/``titles:``/``authors:``/``ids:``/``comments:`` rows
    (``|``-separated, ``-`` for none) and one ``LINE: message`` row per warning."""
    expected = Expected(papers=-1)
    for row in dump.with_suffix(".expected").read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        key, _, value = row.partition(": ")
        if key.isdigit():
            expected.warnings.append((int(key), value))
        elif key == "papers":
            expected.papers = int(value)
        else:
            expected.facts[key] = [part.strip() for part in value.split("|")]
    return expected


def facts_of(profile: RawProfile) -> dict[str, list[str]]:
    records = profile.records
    return {
        "owner": [profile.owner.display if profile.owner else "-"],
        "titles": [r.title or "-" for r in records],
        "authors": [str(len(r.authors or ())) for r in records],
        "ids": [r.arxiv or "-" for r in records],
        "comments": ["; ".join(r.comments) or "-" for r in records],
    }


def parse_fixture(dump: Path) -> RawProfile:
    return parse_dump(dump.read_bytes(), f"corpus/{dump.name}")


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_broken_dump_gives_exactly_the_expected_outcome(dump: Path) -> None:
    expected = read_expected(dump)
    profile = parse_fixture(dump)
    assert len(profile.records) == expected.papers
    actual = facts_of(profile)
    for key, values in expected.facts.items():
        assert actual[key] == values, key
    found = sorted((p.line, p.message) for p in profile.problems)
    assert len(found) == len(expected.warnings), found
    for line, text in expected.warnings:
        assert any(at == line and text in message for at, message in found), (line, text, found)
    assert all(p.file == f"corpus/{dump.name}" for p in profile.problems)


@pytest.mark.parametrize("dump", DUMPS, ids=lambda p: p.name)
def test_every_line_of_a_broken_dump_is_accounted_for(dump: Path) -> None:
    assert_accounted(parse_fixture(dump))


@pytest.mark.parametrize("dump", sorted(SHIPPED_CORPUS.iterdir()), ids=lambda p: p.name)
def test_every_line_of_a_shipped_dump_is_accounted_for(dump: Path) -> None:
    assert_accounted(parse_fixture(dump))


def test_resynchronised_titled_dump_keeps_later_papers_intact() -> None:
    profile = parse_fixture(INVALID / "missing_author_line.txt")
    last = profile.records[-1]
    assert last.title == "Ten-Step Diffusion"
    assert last.abstract is not None and last.abstract.startswith("Diffusion models")
    assert [n.display for n in last.authors or ()] == ["Cheng Lu", "Yang Song"]


def test_text_around_removed_bytes_is_kept() -> None:
    nul = parse_fixture(INVALID / "nul_bytes.txt").records[0].abstract or ""
    assert "\x00" not in nul and "noisy labels" in nul
    latin = parse_fixture(INVALID / "latin1.txt")
    assert latin.owner is not None and latin.owner.display == "Jürgen Müller"
    assert "naïve labels" in (latin.records[0].abstract or "")


# ---- a 5 MB line ---------------------------------------------------------------------------

FIVE_MB = 5 * 1024 * 1024
HUGE_LINES = {
    "prose": ("many words in a sentence. " * (FIVE_MB // 26)).strip(),
    "one-word": "x" * FIVE_MB,
    "commas": "Ab, Cd, " * (FIVE_MB // 8),
}
HUGE_LAYOUTS = {
    "titled": ("Lu, Cheng\nA Title\nLu, Cheng\n", "\n"),
    "abstracts": ("Tony\nAbstract: ", "\n"),
    "listing": ("", "\narXiv:2410.21276\n"),
}


@pytest.mark.parametrize("layout", sorted(HUGE_LAYOUTS))
@pytest.mark.parametrize("shape", sorted(HUGE_LINES))
def test_a_5_mb_line_is_read_whole(shape: str, layout: str) -> None:
    """A quadratic step would make this run for hours; the parser reads the line in one pass."""
    before, after = HUGE_LAYOUTS[layout]
    line = HUGE_LINES[shape]
    profile = parse_dump((before + line + after).encode(), "corpus/huge.txt")
    huge_line = 4 if layout == "titled" else 2 if layout == "abstracts" else 1
    assert any(huge_line in record.lines for record in profile.records)
    if shape != "commas":  # a 5 MB author list stays an author list (deduplicated, warned)
        assert [len(r.abstract or "") for r in profile.records] == [len(line.strip())]
    assert_accounted(profile)


# ---- arbitrary bytes -----------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        b"Lu, Cheng\n",
        b"Abstract: We show a thing that holds for every input in this study.\n",
        b"arXiv:2410.21276",
        b"arXiv:hep-th/9901001v2 ",
        b"NeurIPS 2021\n",
        b"OpenAI, null, :, null, Kim, Ana\n",
        b"A Title\n",
        b"\r\n",
        b"\r",
        b"\n\n",
        b"\x00",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"\xed\xa0\x80",  # a lone surrogate, encoded
        b"\xe9",
        "\u202e\u200d\u0301\U0001f600".encode(),
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_PIECES, st.binary(max_size=40)), max_size=30))
def test_any_bytes_parse_without_error_and_every_line_is_accounted(pieces: list[bytes]) -> None:
    profile = parse_dump(b"".join(pieces), "corpus/fuzz.txt")
    assert_accounted(profile)
    for record in profile.records:
        for text in (record.title, record.abstract):
            assert text is None or "\x00" not in text
            assert text is None or not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


# ---- whole builds --------------------------------------------------------------------------


def broken_site(root: Path) -> Path:
    """A site source holding one good dump and every broken fixture."""
    source = root / "site_src"
    corpus = source / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "000_good.txt").write_text(GOOD_DUMP, encoding="utf-8")
    for dump in DUMPS:
        shutil.copyfile(dump, corpus / dump.name)
    return source


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scholarsite", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


def test_the_rest_of_the_corpus_builds_beside_broken_dumps(tmp_path: Path) -> None:
    source = broken_site(tmp_path)
    result = build_site(BuildOptions(source, tmp_path / "build"))
    assert (tmp_path / "build" / "papers" / "a-paper-that-parses" / "index.html").is_file()
    reported = {(p.file, p.line) for p in result.problems}
    for dump in DUMPS:
        for line, _ in read_expected(dump).warnings:
            assert (f"corpus/{dump.name}", line) in reported


def test_strict_build_fails_listing_every_problem_at_once(tmp_path: Path) -> None:
    source = broken_site(tmp_path)
    with pytest.raises(BuildFailed) as failure:
        build_site(BuildOptions(source, tmp_path / "build", strict=True))
    listed = {(p.file, p.line, p.message) for p in failure.value.problems}
    for dump in DUMPS:
        for line, text in read_expected(dump).warnings:
            assert any(
                (f, n) == (f"corpus/{dump.name}", line) and text in m for f, n, m in listed
            ), (dump.name, line, text)
    assert not (tmp_path / "build").exists()


def test_strict_cli_exits_1_and_prints_every_problem(tmp_path: Path) -> None:
    broken_site(tmp_path)
    done = run_cli("build", "--strict", cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    for dump in DUMPS:
        for line, text in read_expected(dump).warnings:
            assert f"corpus/{dump.name}:{line}: " in done.stderr
            assert text in done.stderr


# ---- broken configuration and templates ----------------------------------------------------


@dataclass(frozen=True)
class BrokenFile:
    name: str
    path: str
    content: str
    expected: tuple[str, ...]
    exit_code: int = 1


BROKEN_FILES = [
    BrokenFile(
        "site-yaml-unclosed-quote",
        "site_src/site.yaml",
        'title: "Unclosed\nrecent_papers: 3\n',
        ("site.yaml:1: invalid YAML at column 8", "never closed", '    title: "Unclosed', "^"),
    ),
    BrokenFile(
        "site-yaml-bad-indent",
        "site_src/site.yaml",
        "title: x\n  description: y\n bad: [\n",
        ("site.yaml:2: invalid YAML at column 14", "not allowed here", "      description: y"),
    ),
    BrokenFile(
        "site-yaml-wrong-types-and-unknown-key",
        "site_src/site.yaml",
        "title: [a, b]\nrecent_paper: 3\nauthors_shown: many\nrecent_papers: -1\n",
        (
            "site.yaml:1: 'title' must be text, not a list",
            "site.yaml:2: unknown key 'recent_paper': did you mean 'recent_papers'?",
            "site.yaml:3: 'authors_shown' must be a whole number ≥ 0, not 'many'",
            "site.yaml:4: 'recent_papers' must be a whole number ≥ 0, not -1",
        ),
    ),
    BrokenFile(
        "site-yaml-duplicate-key",
        "site_src/site.yaml",
        "title: one\ndescription: d\ntitle: two\n",
        ("site.yaml:3: invalid YAML at column 1: duplicate key 'title' (first given on line 1)",),
    ),
    BrokenFile(
        "site-yaml-not-a-mapping",
        "site_src/site.yaml",
        "- title\n- x\n",
        ("site.yaml:1: expected a mapping of settings",),
    ),
    BrokenFile(
        "site-yaml-python-tag",
        "site_src/site.yaml",
        "title: !!python/object/apply:os.system [echo hacked]\n",
        ("site.yaml:1: invalid YAML at column 8", "could not determine a constructor"),
    ),
    BrokenFile(
        "site-yaml-alias-bomb",
        "site_src/site.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "title: *f\n",
        ("site.yaml:7: 'title' must be text, not a list",),
    ),
    BrokenFile(
        "site-yaml-base-url-with-a-query",
        "site_src/site.yaml",
        "title: x\nbase_url: https://example.org/a?q=1#f\n",
        ("site.yaml:2: base URL 'https://example.org/a?q=1#f' has a ?query or #fragment",),
    ),
    BrokenFile(
        "curation-yaml-empty-abstract-start",
        "site_src/curation.yaml",
        "papers:\n  - match: {abstract_starts: ' '}\n    title: X\n",
        ("curation.yaml:2: match.abstract_starts is empty: give the first words of the abstract",),
    ),
    BrokenFile(
        "curation-yaml-unclosed-brace",
        "site_src/curation.yaml",
        'profiles:\n  000_good.txt: {name: "Lu, Cheng"\npapers: []\n',
        ("curation.yaml:3: invalid YAML at column 1", "    papers: []"),
    ),
    BrokenFile(
        "curation-yaml-unknown-key",
        "site_src/curation.yaml",
        'profile:\n  000_good.txt: {name: "Lu, Cheng"}\n',
        ("curation.yaml:1: unknown key 'profile': did you mean 'profiles'?",),
        exit_code=0,
    ),
    BrokenFile(
        "site-yaml-control-character",
        "site_src/site.yaml",
        'description: plain\ntitle: "Demo\\e[31m title"\n',
        ("site.yaml:2: invalid YAML at column 8: the value holds the control character U+001B",),
    ),
    BrokenFile(
        "site-yaml-language-not-a-tag",
        "site_src/site.yaml",
        "title: T\nlanguage: 'en\"><script>'\n",
        ("site.yaml:2: language 'en\"><script>' is not a language tag such as en, de or pt-BR",),
    ),
    BrokenFile(
        "curation-yaml-nul",
        "site_src/curation.yaml",
        'profiles:\n  000_good.txt: {name: "Lu,\x00 Cheng"}\n',
        ("curation.yaml:2: invalid YAML: the character U+0000 is not allowed: remove it",),
    ),
    BrokenFile(
        "page-direction-override",
        "site_src/pages/about.md",
        "# About\n\nSee \u202eyou\n",
        ("pages/about.md:3: the control character U+202E is in the text: remove it",),
    ),
    BrokenFile(
        "page-front-matter-wrong-type",
        "site_src/pages/about.md",
        "---\ntitle: About\nnav: 'no'\n---\n# About\n",
        ("pages/about.md:3: 'nav' must be true or false, not 'no'",),
    ),
    BrokenFile(
        "page-front-matter-never-closed",
        "site_src/pages/about.md",
        "---\ntitle: About\n\nThe page.\n",
        ("pages/about.md:1: front matter is never closed: end it with a line of ---",),
    ),
    BrokenFile(
        "page-front-matter-tab",
        "site_src/pages/about.md",
        "---\ntitle: About\n\torder: 1\n---\nThe page.\n",
        ("pages/about.md:3: invalid YAML at column 1",),
    ),
    BrokenFile(
        "template-syntax-error",
        "templates/page.html",
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ page.title }</p>\n{% endblock %}\n',
        ("templates/page.html:3: template syntax error",),
    ),
    BrokenFile(
        "template-undefined-attribute",
        "templates/page.html",
        '{% extends "base.html" %}\n{% block main %}\n\n<p>{{ page.no_such_field }}</p>\n'
        "{% endblock %}\n",
        ("templates/page.html:4: template error", "no_such_field"),
    ),
    BrokenFile(
        "template-runtime-error",
        "templates/page.html",
        '{% extends "base.html" %}\n{% block main %}\n<p>{{ 1 // 0 }}</p>\n{% endblock %}\n',
        ("templates/page.html:3: template error", "division"),
    ),
]


def site_with(root: Path, broken: BrokenFile) -> None:
    source = root / "site_src"
    (source / "corpus").mkdir(parents=True)
    (source / "corpus" / "000_good.txt").write_text(GOOD_DUMP, encoding="utf-8")
    (source / "pages").mkdir()
    (source / "pages" / "about.md").write_text("# About\n\nA page.\n", encoding="utf-8")
    if broken.path.startswith("templates/"):
        shutil.copytree(ROOT / "templates", root / "templates")
    (root / broken.path).write_text(broken.content, encoding="utf-8")


@pytest.mark.parametrize("broken", BROKEN_FILES, ids=lambda b: b.name)
def test_broken_config_or_template_is_a_message_not_a_traceback(
    tmp_path: Path, broken: BrokenFile
) -> None:
    site_with(tmp_path, broken)
    done = run_cli("build", cwd=tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode == broken.exit_code, done.stderr
    for text in broken.expected:
        assert text in done.stderr, done.stderr


def test_site_yaml_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    site_with(tmp_path, BROKEN_FILES[0])
    (tmp_path / "site_src" / "site.yaml").write_bytes(b"title: ok\ndescription: caf\xe9\n")
    done = run_cli("build", cwd=tmp_path)
    assert done.returncode == 1
    assert "site.yaml:2: not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_page_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    site_with(tmp_path, BROKEN_FILES[0])
    (tmp_path / "site_src" / "site.yaml").write_text("title: ok\n", encoding="utf-8")
    (tmp_path / "site_src" / "pages" / "about.md").write_bytes(b"# About\n\nCaf\xe9 cr\xe8me\n")
    done = run_cli("build", cwd=tmp_path)
    assert done.returncode == 1
    assert "pages/about.md:3: not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr
