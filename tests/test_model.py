"""The model on the shipped dumps, with curation off and on (SPEC §3, §4)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scholarsite.corpus import read_corpus
from scholarsite.curation import Curation, load_curation
from scholarsite.model import Corpus, Paper, Person, build_corpus
from scholarsite.naming import assign_unique, name_key, slugify, stands_alone

SHIPPED = Path(__file__).resolve().parent.parent / "site_src"

GPT4O = "gpt-4o-system-card"


@pytest.fixture(scope="module")
def raw() -> Corpus:
    return build_corpus(read_corpus(SHIPPED), Curation())


@pytest.fixture(scope="module")
def curated() -> Corpus:
    return build_corpus(read_corpus(SHIPPED), load_curation(SHIPPED)[0])


def test_shipped_dumps_give_24_papers(raw: Corpus) -> None:
    assert len(raw.papers) == 24


def test_gpt4o_is_one_paper_from_all_five_profiles(raw: Corpus) -> None:
    paper = raw.papers_by_id[GPT4O]
    assert paper.title == "GPT-4o System Card"
    assert paper.arxiv == "2410.21276" and paper.year == 2024
    assert len(paper.authors) >= 417
    assert paper.profiles == ("cheng-lu", "tony", "tony-2", "unnamed", "tony-3")
    assert {s.file for s in paper.sources} == {
        f"corpus/{p.name}" for p in (SHIPPED / "corpus").iterdir()
    }


def test_listing_ids_attach_to_the_right_abstracts(raw: Corpus) -> None:
    by_arxiv = {p.arxiv: p for p in raw.papers if p.arxiv}
    assert by_arxiv["2410.21276"].id == GPT4O
    assert by_arxiv["2407.16226"].abstract.startswith("We characterize compatible families")
    assert by_arxiv["2203.03466"].abstract.startswith("Hyperparameter (HP) tuning")
    assert by_arxiv["2203.03466"].comments == ("NeurIPS 2021",)
    assert by_arxiv["1801.00843"].abstract.startswith("This is the second in a series")
    assert by_arxiv["1801.00843"].year == 2018


def test_three_tony_profiles_are_three_people(raw: Corpus) -> None:
    tonys = [p for p in raw.people if p.name == "Tony"]
    assert [t.id for t in tonys] == ["tony", "tony-2", "tony-3"]
    assert [len(t.profiles) for t in tonys] == [1, 1, 1]
    assert any("3 profiles have the owner name 'Tony'" in p.message for p in raw.problems)


def test_named_profile_is_the_person_of_its_key(raw: Corpus) -> None:
    cheng = raw.people_by_id["cheng-lu"]
    assert cheng.profiles == ("corpus/000_db022e47a3265ebc.txt",)
    assert len(cheng.papers) == 10
    assert [p.id for p in raw.people if p.name == "Cheng Lu"] == ["cheng-lu"]


def test_unnamed_profile_is_an_unnamed_person(raw: Corpus) -> None:
    unnamed = raw.people_by_id["unnamed"]
    assert unnamed.name is None
    assert len(unnamed.papers) == 10


def test_papers_without_author_lists_show_profile_owners(raw: Corpus) -> None:
    paper = next(p for p in raw.papers if p.arxiv == "2005.14165")
    assert paper.authors == ("unnamed",) and not paper.authors_complete


def test_curation_names_profiles_and_titles_papers(curated: Corpus) -> None:
    sam = curated.people_by_id["sam-schoenholz"]
    titles = {curated.papers_by_id[p].title for p in sam.papers}
    assert {"GPT-4o System Card", "Learn2Hop: Learned Optimization on Rough Landscapes"} <= titles
    assert any(t and t.startswith("Temperature check") for t in titles)
    assert sam.profiles == ("corpus/001_900c64551af58656.txt",)
    assert not any(p.name is None or p.name == "Tony" for p in curated.people)


def test_curation_merges_declared_name_variants(curated: Corpus) -> None:
    tillet = [p for p in curated.people if p.name and "Tillet" in p.name]
    assert [(p.name, p.variants) for p in tillet] == [("Philippe Tillet", ("Phil Tillet",))]


def test_merged_spellings_are_one_entry_on_the_list_where_the_first_stands(
    raw: Corpus, curated: Corpus
) -> None:
    merged = {"phil-tillet": "philippe-tillet", "amin-tootoochian": "amin-tootoonchian"}
    before = raw.papers_by_id[GPT4O].authors
    assert set(merged) <= set(before)
    expected = tuple(dict.fromkeys(merged.get(a, a) for a in before))
    assert curated.papers_by_id[GPT4O].authors == expected
    assert len(expected) == len(before) - 2


def test_names_differing_only_in_punctuation_are_one_entry(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(
        "Lu, Cheng\nA title\nSmith Jones, Ann, Lu, Cheng, Smith-Jones, Ann\nAn abstract.\n"
    )
    corpus = build_corpus(read_corpus(tmp_path), Curation())
    assert corpus.papers[0].authors == ("ann-smith-jones", "cheng-lu")
    assert corpus.people_by_id["ann-smith-jones"].variants == ("Ann Smith-Jones",)


def test_a_same_person_entry_that_merges_nothing_warns_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(
        "Lu, Cheng\nA title\nLu, Cheng, Song, Yang\nAn abstract.\n"
    )
    (tmp_path / "curation.yaml").write_text(
        "people:\n  same_person:\n"
        '    - ["Song, Yang", "Song, Y."]\n'
        '    - ["Nobody, Atall", "Noone, Atall"]\n'
        '    - ["Lu, Cheng", "Song, Yang"]\n'
    )
    corpus = build_corpus(read_corpus(tmp_path), load_curation(tmp_path)[0])
    assert [str(p) for p in corpus.problems if p.file == "curation.yaml"] == [
        "curation.yaml:3: people.same_person ['Song, Yang', 'Song, Y.'] merges nothing: "
        "'Song, Y.' names no author or profile owner; check the spelling against the dumps",
        "curation.yaml:4: people.same_person ['Nobody, Atall', 'Noone, Atall'] matches no "
        "author or profile owner: check the spellings against the dumps",
    ]


def test_an_abstract_start_matching_several_papers_is_applied_to_none(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(
        "Lu, Cheng\nFirst\nLu, Cheng\nWe show one thing.\nSecond\nLu, Cheng\nWe prove another.\n"
    )
    (tmp_path / "corpus" / "b.txt").write_text("Tony\nAbstract:We show one thing.\n")
    (tmp_path / "curation.yaml").write_text(
        "papers:\n"
        "  - match: {abstract_starts: We}\n    arxiv: '2101.00001'\n"
        "  - match: {abstract_starts: We show}\n    title: Shown\n"
    )
    corpus = build_corpus(read_corpus(tmp_path), load_curation(tmp_path)[0])
    assert sorted((p.title, p.arxiv) for p in corpus.papers) == [("Second", None), ("Shown", None)]
    assert [str(p) for p in corpus.problems if p.file == "curation.yaml"] == [
        "curation.yaml:2: papers: abstract_starts 'we' matches 2 different papers "
        "(corpus/a.txt:2, corpus/a.txt:5), so it was applied to none; give more of the "
        "abstract's first words"
    ]


def test_papers_are_newest_first_also_within_a_year(curated: Corpus) -> None:
    dated = [p for p in curated.papers if p.arxiv]
    ids = [p.arxiv for p in curated.papers if p.year == 2024]
    assert ids.index("2410.21276") < ids.index("2407.16226")
    assert dated == list(curated.papers[: len(dated)])  # those without a year come last
    for newer, older in itertools.pairwise(dated):
        assert (newer.year, newer.arxiv) >= (older.year, older.arxiv), (newer.id, older.id)


def test_a_skipped_file_makes_no_profile(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Lu, Cheng\nA title\nLu, Cheng\nAn abstract.\n")
    (tmp_path / "corpus" / "b.txt").write_text("\n\n")
    (tmp_path / "corpus" / "c.pdf").write_bytes(b"%PDF-1.7\n\x00\x01")
    corpus = build_corpus(read_corpus(tmp_path), Curation())
    assert [(p.id, p.profiles) for p in corpus.people] == [("cheng-lu", ("corpus/a.txt",))]
    assert not [p for p in corpus.problems if "names no owner" in p.message]


def test_a_fix_matching_one_record_of_a_paper_is_the_papers(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    abstract = "We show that a result holds in every case we tried."
    (tmp_path / "corpus" / "a.txt").write_text(f"Lu, Cheng\nTheir title\nLu, Cheng\n{abstract}\n")
    (tmp_path / "corpus" / "b.txt").write_text(f"{abstract}\narXiv:2101.00001\n")
    (tmp_path / "curation.yaml").write_text(
        "papers:\n  - match: {arxiv: '2101.00001'}\n    title: The curated title\n"
        "    authors: ['Roe, Rick', 'Lu, Cheng']\n"
    )
    corpus = build_corpus(read_corpus(tmp_path), load_curation(tmp_path)[0])
    [paper] = corpus.papers
    assert (paper.title, paper.arxiv, paper.authors) == (
        "The curated title",
        "2101.00001",
        ("rick-roe", "cheng-lu"),
    )
    assert not [p for p in corpus.problems if p.file == "curation.yaml"]


def test_curated_arxiv_gives_the_year(curated: Corpus) -> None:
    learn2hop = curated.papers_by_id["learn2hop-learned-optimization-on-rough-landscapes"]
    assert learn2hop.arxiv == "2107.09661" and learn2hop.year == 2021
    assert learn2hop.authors_complete and len(learn2hop.authors) == 4


def test_ids_are_unique_and_stable(raw: Corpus) -> None:
    again = build_corpus(read_corpus(SHIPPED), Curation())
    assert [p.id for p in raw.papers] == [p.id for p in again.papers]
    ids = [p.id for p in raw.papers]
    assert len(set(ids)) == len(ids)
    people = [p.id for p in raw.people]
    assert len(set(people)) == len(people)


def test_curation_entry_matching_nothing_warns_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Tony\nAbstract:Something.\n")
    (tmp_path / "curation.yaml").write_text(
        "papers:\n  - match: {arxiv: '2101.00001'}\n    title: Nothing\n"
    )
    corpus = build_corpus(read_corpus(tmp_path), load_curation(tmp_path)[0])
    assert [str(p) for p in corpus.problems if p.file == "curation.yaml"] == [
        "curation.yaml:2: papers: arxiv '2101.00001' matches no paper"
    ]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Aleksander Mądry", "Aleksander Madry"),
        ("Łukasz Kaiser", "lukasz  KAISER"),
        ("Björn Schuller", "Bjorn Schuller"),
    ],
)
def test_name_keys_fold_accents_case_and_spacing(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_slugs_are_ascii() -> None:
    assert slugify("Aleksander Mądry") == "aleksander-madry"
    assert slugify("GPT-4o System Card") == "gpt-4o-system-card"


def _paper(pid: str, authors: str, complete: bool = True) -> Paper:
    return Paper(pid, pid, tuple(authors), complete, "", None, None, (), (), ())


def _person(pid: str, papers: str) -> Person:
    return Person(pid, pid.upper(), None, tuple(papers), (), (), pid)


def test_coauthors_count_shared_complete_lists_most_shared_first() -> None:
    papers = [
        _paper("1", "abc"),
        _paper("2", "dca"),
        _paper("3", "ae", complete=False),  # an incomplete list says nothing about co-authors
        _paper("4", "bab"),  # a name listed twice counts once
        _paper("5", "cd"),  # a profile's paper without the owner in its list
    ]
    people = [
        _person("a", "12345"),
        _person("b", "14"),
        _person("c", "125"),
        _person("d", "25"),
        _person("e", "3"),
    ]
    corpus = Corpus.of(papers, people, ())
    # ties keep the order co-authors were first met in; e is only on an incomplete list
    assert corpus.coauthors(corpus.people_by_id["a"]) == (("b", 2), ("c", 2), ("d", 1))
    assert corpus.coauthors(corpus.people_by_id["c"]) == (("a", 2), ("d", 2), ("b", 1))
    assert corpus.coauthors(corpus.people_by_id["e"]) == ()


slugs = st.lists(st.sampled_from(["a", "a-2", "a-3", "b", "b-2", "c"]), max_size=8)


@given(wanted=slugs, slug=st.sampled_from(["a", "a-2", "a-3", "b", "c", "d"]), at=st.integers(0, 8))
def test_a_slug_that_stands_alone_comes_and_goes_without_moving_other_ids(
    wanted: list[str], slug: str, at: int
) -> None:
    at = min(at, len(wanted))
    with_it = assign_unique([*wanted[:at], slug, *wanted[at:]])
    others = with_it[:at] + with_it[at + 1 :]
    if with_it[at] == slug and stands_alone(others, slug):
        assert assign_unique(wanted) == others  # no other id moves as it comes or goes
