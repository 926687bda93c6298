"""The synthetic corpus: deterministic, all three layouts, queries that point at real ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scholarsite.bench.synth import (
    Person,
    ascii_fold,
    make_corpus,
    name_key,
    write_corpus,
)
from scholarsite.build import read_site
from scholarsite.errors import ScholarsiteError
from scholarsite.naming import slugify

N = 300


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def dumps(root: Path) -> dict[str, list[str]]:
    corpus = root / "site_src" / "corpus"
    return {
        p.name: p.read_bytes().decode("utf-8-sig").splitlines() for p in sorted(corpus.glob("*"))
    }


def layout_of(lines: list[str]) -> str:
    if any(line.startswith("Abstract:") for line in lines[1:]):
        return "abstract"
    if lines[-1].startswith("arXiv:"):
        return "listing"
    return "titled"


def titled_records(files: dict[str, list[str]]) -> list[tuple[str, str, str]]:
    """(title, author line, abstract) of every titled profile."""
    records = []
    for lines in files.values():
        if layout_of(lines) == "titled":
            body = lines[1:]
            records += [tuple(body[i : i + 3]) for i in range(0, len(body), 3)]
    return records  # type: ignore[return-value]


def author_names(author_line: str) -> list[str]:
    tokens = [t.strip() for t in author_line.split(",")]
    names = []
    for last, first in zip(tokens[::2], tokens[1::2], strict=True):
        parts = [p for p in (first, last) if p != "null"]
        if any(ch.isalpha() for part in parts for ch in part):
            names.append(" ".join(parts))
    return names


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("synth")
    write_corpus(dest, N, seed=3)
    return dest


def test_same_seed_gives_byte_identical_files(site: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path, N, seed=3)
    assert tree(tmp_path) == tree(site)


def test_generation_does_not_depend_on_hash_randomization(site: Path, tmp_path: Path) -> None:
    script = "import sys, pathlib; from scholarsite.bench.synth import write_corpus; "
    script += f"write_corpus(pathlib.Path(sys.argv[1]), {N}, seed=3)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env)
    assert tree(tmp_path) == tree(site)


def test_another_seed_gives_another_corpus(site: Path, tmp_path: Path) -> None:
    write_corpus(tmp_path, N, seed=4)
    assert tree(tmp_path) != tree(site)


def test_writes_site_config_and_all_three_layouts(site: Path) -> None:
    assert (site / "site_src" / "site.yaml").read_text() == "title: Synthetic corpus\n"
    layouts = [layout_of(lines) for lines in dumps(site).values()]
    assert layouts.count("titled") >= len(layouts) // 2 - 1
    assert layouts.count("abstract") >= 2
    assert layouts.count("listing") >= 2


def test_listing_ids_trail_their_entries(site: Path) -> None:
    for lines in dumps(site).values():
        if layout_of(lines) == "listing":
            assert not lines[0].startswith("arXiv:")
            assert lines[-1].startswith("arXiv:") and len(lines[-1].split()) == 1
            glued = [line for line in lines[1:-1] if line.startswith("arXiv:")]
            assert all(len(line) > 40 for line in glued)


def test_every_paper_has_a_titled_record_with_a_unique_slug(site: Path) -> None:
    records = titled_records(dumps(site))
    slugs = {slugify(title) for title, _, _ in records}
    abstracts = {abstract for _, _, abstract in records}
    assert len(slugs) == len(abstracts) == N


def test_papers_are_shared_across_profiles(site: Path) -> None:
    files = dumps(site)
    titled_abstracts = {abstract for _, _, abstract in titled_records(files)}
    others = [
        line.removeprefix("Abstract:")
        for lines in files.values()
        if layout_of(lines) == "abstract"
        for line in lines[1:]
    ]
    assert sum(text in titled_abstracts for text in others) == len(others) > 0
    titled = titled_records(files)
    assert len(titled) > len({title for title, _, _ in titled})  # some papers in two profiles


def test_corpus_has_big_author_lists_math_and_unicode_names() -> None:
    corpus = make_corpus(2000, seed=0)
    assert max(len(paper.authors) for paper in corpus.papers) >= 100
    with_math = sum("$" in paper.abstract for paper in corpus.papers) / len(corpus.papers)
    assert 0.1 < with_math < 0.3
    names = {person.display for person in corpus.people}
    assert any(not name.isascii() for name in names)
    assert any("李" in name for name in names)


def test_people_have_distinct_name_keys() -> None:
    corpus = make_corpus(2000, seed=0)
    keys = [name_key(p.display) for p in corpus.people if name_key(p.display)]
    assert len(keys) == len(set(keys))


def test_queries_point_at_ids_in_the_generated_data(site: Path) -> None:
    queries = json.loads((site / "queries.json").read_text(encoding="utf-8"))
    records = titled_records(dumps(site))
    paper_urls = {f"papers/{slugify(title)}/" for title, _, _ in records}
    people = {name for _, authors, _ in records for name in author_names(authors)}
    author_urls = {f"authors/{slugify(name)}/" for name in people}
    assert 40 <= len(queries) <= 60
    for query in queries:
        expected = paper_urls if query["expect"].startswith("papers/") else author_urls
        assert query["expect"] in expected, query
    kinds = {query["kind"] for query in queries}
    assert kinds == {
        "title", "prefix", "typo", "abstract", "author", "author_ascii", "surname_topic", "arxiv",
    }  # fmt: skip


def test_queries_match_their_targets(site: Path) -> None:
    queries = json.loads((site / "queries.json").read_text(encoding="utf-8"))
    by_url = {f"papers/{slugify(t)}/": (t, a, names) for t, names, a in titled_records(dumps(site))}
    listings = "\n".join("\n".join(lines) for lines in dumps(site).values())
    for query in queries:
        title, abstract, names = by_url.get(query["expect"], ("", "", ""))
        if query["kind"] == "title":
            assert query["q"] == title
        elif query["kind"] == "prefix":
            assert title.lower().startswith(query["q"])
        elif query["kind"] == "abstract":
            assert query["q"] in abstract.lower()
        elif query["kind"] == "arxiv":
            bare = query["q"].removeprefix("arXiv:").removesuffix("v1")
            assert f"arXiv:{bare}" in listings
        elif query["kind"] == "surname_topic":
            surname, *words = query["q"].split()
            assert f"{surname}, " in names
            assert all(word in title.lower() for word in words)
        elif query["kind"] == "author_ascii":
            assert query["q"].isascii()


def test_ascii_fold_and_slugify() -> None:
    assert ascii_fold("Łukasz Mądry") == "Lukasz Madry"
    assert slugify("Aleksander Mądry") == "aleksander-madry"
    assert slugify("GPT-4o: System Card!") == "gpt-4o-system-card"
    assert Person("OpenAI", None).display == "OpenAI"
    assert Person("Lu", "Cheng").token_pair == "Lu, Cheng"


def test_refuses_a_destination_that_already_holds_dumps(site: Path) -> None:
    with pytest.raises(ScholarsiteError, match="already holds files"):
        write_corpus(site, 10)


def test_tiny_corpus_is_still_complete(tmp_path: Path) -> None:
    stats = write_corpus(tmp_path, 1)
    assert stats.papers == 1
    assert stats.profiles_titled >= 1 and stats.profiles_listing >= 1


def test_site_model_assigns_the_predicted_ids(site: Path) -> None:
    corpus = read_site(site / "site_src").corpus
    urls = {paper.url for paper in corpus.papers} | {person.url for person in corpus.people}
    assert len(corpus.papers) == N
    assert all(paper.title for paper in corpus.papers)
    queries = json.loads((site / "queries.json").read_text(encoding="utf-8"))
    assert [q["expect"] for q in queries if q["expect"] not in urls] == []
