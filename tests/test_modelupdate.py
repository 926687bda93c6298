"""The model updated instead of rebuilt when only abstracts or titles changed, and rebuilt
otherwise."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from scholarsite.build import BuildOptions, SiteInput, build_site, read_site
from scholarsite.corpus import DumpCache, RawRecord
from scholarsite.model import Paper, Person, Source
from scholarsite.modelupdate import KeyedRecords, rekey
from scholarsite.naming import abstract_key, slugify


def preview_reads(source: Path) -> tuple[DumpCache, SiteInput]:
    """The first read of a preview: a parse cache and the site it read."""
    cache = DumpCache()
    return cache, read_site(source, dumps=cache)


def reread(source: Path, cache: DumpCache, last: SiteInput) -> SiteInput:
    """The preview's next read; its model must equal the model of a read from scratch."""
    assert last.model is not None
    site = read_site(source, dumps=cache, last=(last.corpus, last.model))
    assert site.corpus == read_site(source).corpus
    return site


def records(site: SiteInput, source: Path, titled: bool) -> list[RawRecord]:
    """Records of the shipped dumps with an abstract no other record has, and (or without) a
    title: an edit to one of these may leave the model's merges as they were."""
    assert site.model is not None
    keys = site.model.abstract_keys
    return [
        r
        for profile in site.model.parsed.values()
        for r in profile.records
        if r.abstract and len(keys[abstract_key(r.abstract)]) == 1 and bool(r.title) == titled
    ]


def rewrite_abstract(source: Path, record: RawRecord, new: str) -> None:
    dump = source / record.file
    text = dump.read_text(encoding="utf-8")
    assert record.abstract and text.count(record.abstract) == 1
    dump.write_text(text.replace(record.abstract, new), encoding="utf-8")


def test_a_word_of_an_abstract_updates_only_that_paper(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    record = records(first, site_copy, titled=True)[0]
    assert record.abstract
    edited = record.abstract.replace(" the ", " a ", 1)
    rewrite_abstract(site_copy, record, edited)
    second = reread(site_copy, cache, first)
    [paper] = [p for p in first.corpus.papers if (record.file, record.line) in
               {(s.file, s.line) for s in p.sources}]  # fmt: skip
    assert second.new_abstracts == {paper.id}
    assert second.corpus.papers_by_id[paper.id].abstract != paper.abstract
    rewrite_abstract(site_copy, replace(record, abstract=edited), record.abstract)
    third = reread(site_copy, cache, second)  # the keys followed the first edit
    assert third.new_abstracts == {paper.id}
    assert third.corpus == first.corpus


def keyed(*records: tuple[str, int, str | None]) -> KeyedRecords:
    return {"old words": records}


@pytest.mark.parametrize(
    ("keys", "arxiv", "merges_as_before"),
    [
        (keyed(("a", 1, None)), None, True),  # its own key: it merged by it with nothing
        (
            keyed(("a", 1, "2401.12345"), ("b", 7, "2401.12345")),
            "2401.12345v2",
            True,
        ),  # still one arXiv id
        (keyed(("a", 1, None), ("b", 7, None)), None, False),  # merged by the abstract alone
        (keyed(("a", 1, "2401.12345"), ("b", 7, "2402.23456")), "2401.12345", False),
        (keyed(("a", 1, None)) | {"new words": (("c", 3, None),)}, None, False),  # would merge
    ],
)
def test_an_abstract_key_moves_only_when_merges_stay_as_they_were(
    keys: KeyedRecords, arxiv: str | None, merges_as_before: bool
) -> None:
    before = RawRecord("a", 1, abstract="Old words", title="T", arxiv=arxiv)
    after = replace(before, abstract="New  words")
    assert rekey(keys, before, after) is merges_as_before
    if merges_as_before:
        assert ("a", 1) not in {r[:2] for r in keys.get("old words", ())}
        assert [r[:2] for r in keys["new words"]] == [("a", 1)]


def test_an_unchanged_corpus_is_the_same_model(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    again = reread(site_copy, cache, first)
    assert again.new_abstracts == frozenset()
    assert again.corpus == first.corpus


def copy_abstract(source: Path, site: SiteInput) -> None:
    """One paper's abstract made the same as another's: the two records merge."""
    first, second = records(site, source, titled=True)[:2]
    assert second.abstract
    rewrite_abstract(source, first, second.abstract)


def in_place(last: SiteInput, site: SiteInput) -> bool:
    """Whether the model was updated (papers it did not change are the last model's objects)
    rather than built again (every paper a new object)."""
    kept = [p for p in site.corpus.papers if p is last.corpus.papers_by_id.get(p.id)]
    return len(kept) >= len(site.corpus.papers) - 1


def uncurated_record(site: SiteInput, source: Path) -> RawRecord:
    """A titled record that is its paper's only source and that no curation fix matches."""
    sole = {s for p in site.corpus.papers if len(p.sources) == 1 for s in p.sources}
    return next(
        r
        for r in records(site, source, titled=True)
        if Source(r.file, r.line) in sole and not any(f.matches(r) for f in site.curation.papers)
    )


def retitle(source: Path, site: SiteInput, title: str | None = None) -> None:
    record = uncurated_record(site, source)
    assert record.title
    dump = source / record.file
    text = dump.read_text(encoding="utf-8")
    new = title if title is not None else "Revisiting " + record.title
    dump.write_text(text.replace(record.title, new, 1), encoding="utf-8")


def paper_of(site: SiteInput, record: RawRecord) -> Paper:
    where = Source(record.file, record.line)
    return next(p for p in site.corpus.papers if where in p.sources)


def test_a_new_title_updates_the_model_in_place_and_moves_the_paper_to_its_new_id(
    site_copy: Path,
) -> None:
    cache, first = preview_reads(site_copy)
    record = uncurated_record(first, site_copy)
    before = paper_of(first, record)
    retitle(site_copy, first)
    second = reread(site_copy, cache, first)  # equal to the model built from scratch
    assert second.new_abstracts is None  # pages beyond the paper's own show its title
    assert in_place(first, second)
    after = paper_of(second, record)
    assert after.title == f"Revisiting {record.title}"
    assert after.id == slugify(after.title) != before.id
    assert before.id not in second.corpus.papers_by_id
    for pid in after.authors:
        assert after.id in second.corpus.people_by_id[pid].papers


def test_a_new_title_of_a_paper_curated_by_id_builds_the_model_again(site_copy: Path) -> None:
    _, site = preview_reads(site_copy)
    paper = paper_of(site, uncurated_record(site, site_copy))
    curation = site_copy / "curation.yaml"
    fix = f'  - match: {{id: "{paper.id}"}}\n    title: "Curated"\n'
    text = curation.read_text(encoding="utf-8")
    curation.write_text(text.replace("\npapers:\n", "\npapers:\n" + fix, 1), encoding="utf-8")
    cache, first = preview_reads(site_copy)
    assert paper_of(first, uncurated_record(site, site_copy)).title == "Curated"
    retitle(site_copy, site)
    second = reread(site_copy, cache, first)  # the curated title stays
    assert not in_place(first, second)


def test_a_new_title_of_a_paper_a_fix_matches_builds_the_model_again(site_copy: Path) -> None:
    _, site = preview_reads(site_copy)
    record = uncurated_record(site, site_copy)
    assert record.abstract and record.title
    start = " ".join(record.abstract.split()[:6]).replace('"', "")
    fix = f'  - match: {{abstract_starts: "{start}"}}\n    title: "{record.title}"\n'
    curation = site_copy / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    curation.write_text(text.replace("\npapers:\n", "\npapers:\n" + fix, 1), encoding="utf-8")
    cache, first = preview_reads(site_copy)
    assert paper_of(first, record).title == record.title  # what the fix sets, too
    retitle(site_copy, site)
    second = reread(site_copy, cache, first)  # the fix's title stays
    assert not in_place(first, second)


def drop_acknowledgements(source: Path, site: SiteInput) -> None:
    """Take the acknowledge section out of the curation: its warnings are shown again."""
    curation = source / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    assert "\nacknowledge:\n" in text
    curation.write_text(text.split("\nacknowledge:\n")[0] + "\n", encoding="utf-8")


def test_a_curation_edit_to_acknowledgements_alone_keeps_the_model(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    assert first.curation.acknowledgements
    drop_acknowledgements(site_copy, first)
    second = reread(site_copy, cache, first)
    assert second.curation.acknowledgements == ()
    assert second.corpus is first.corpus and second.new_abstracts == frozenset()
    assert second.model is not None and second.model.curation == second.curation


def edit_curation(source: Path, old: str, new: str) -> None:
    curation = source / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    assert text.count(old) == 1
    curation.write_text(text.replace(old, new), encoding="utf-8")


def retitle_by_curation(source: Path, site: SiteInput) -> None:
    """A new title in a fix matched by arXiv id."""
    old = 'title: "Language Models are Few-Shot Learners"'
    edit_curation(source, old, 'title: "Few-Shot Learners"')


@pytest.mark.parametrize(
    ("old", "new", "new_id"),
    [
        ("Language Models are Few-Shot Learners", "Few-Shot Learners", "few-shot-learners"),
        (  # a fix matched by the start of the abstract
            "Learn2Hop: Learned Optimization on Rough Landscapes",
            "Learn2Hop",
            "learn2hop",
        ),
    ],
)
def test_a_new_title_in_a_curation_fix_retitles_its_paper_in_place(
    site_copy: Path, old: str, new: str, new_id: str
) -> None:
    cache, first = preview_reads(site_copy)
    [paper] = [p for p in first.corpus.papers if p.title == old]
    edit_curation(site_copy, f'title: "{old}"', f'title: "{new}"')
    second = reread(site_copy, cache, first)
    assert in_place(first, second)
    assert second.corpus.papers_by_id[new_id].title == new
    assert paper.id not in second.corpus.papers_by_id


def test_a_curated_title_another_paper_has_builds_the_model_again(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    other = next(p.title for p in first.corpus.papers if p.title and p.title.startswith("GPT"))
    edit_curation(site_copy, 'title: "Language Models are Few-Shot Learners"', f'title: "{other}"')
    second = reread(site_copy, cache, first)  # one of the two is suffixed
    assert not in_place(first, second)


def test_a_curation_edit_to_a_fix_beyond_its_title_builds_the_model_again(
    site_copy: Path,
) -> None:
    cache, first = preview_reads(site_copy)
    edit_curation(site_copy, '"Cubuk, Ekin Dogus"]', '"Cubuk, Ekin D."]')
    second = reread(site_copy, cache, first)  # the new spelling is there
    assert not in_place(first, second)


def test_a_title_whose_id_another_paper_has_builds_the_model_again(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    record = uncurated_record(first, site_copy)
    other = next(p for p in first.corpus.papers if p.title and p != paper_of(first, record))
    assert other.title
    retitle(site_copy, first, other.title)  # the same slug: one of the two is suffixed
    second = reread(site_copy, cache, first)
    assert not in_place(first, second)


def authored_record(site: SiteInput, source: Path) -> RawRecord:
    """A titled record, its paper's only source, no fix matches, with at least three authors."""
    sole = {s for p in site.corpus.papers if len(p.sources) == 1 for s in p.sources}
    return next(
        r
        for r in records(site, source, titled=True)
        if Source(r.file, r.line) in sole
        and len(r.authors or ()) >= 3
        and not any(f.matches(r) for f in site.curation.papers)
    )


def edit_authors(source: Path, record: RawRecord, old: str, new: str) -> None:
    """Replace text on the record's author list (the line of its that holds ``old``)."""
    dump = source / record.file
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n - 1 for n in record.lines if old in lines[n - 1])
    lines[at] = lines[at].replace(old, new, 1)
    dump.write_text("".join(lines), encoding="utf-8")


def person_named(site: SiteInput, name: str) -> Person:
    return next(p for p in site.corpus.people if p.name == name)


def test_a_new_spelling_of_an_author_updates_the_model_in_place(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    record = authored_record(first, site_copy)
    assert record.authors
    name = record.authors[1]
    assert name.last and name.first
    before = paper_of(first, record)
    edit_authors(site_copy, record, f"{name.last}, {name.first}", f"{name.last}x, {name.first}")
    second = reread(site_copy, cache, first)  # equal to the model built from scratch
    assert second.new_abstracts is None  # the author's and co-authors' pages change
    assert in_place(first, second)
    after = paper_of(second, record)
    newcomer = person_named(second, f"{name.first} {name.last}x")
    assert after.authors[1] == newcomer.id and newcomer.papers == (after.id,)
    assert after.id not in second.corpus.people_by_id[before.authors[1]].papers
    edit_authors(site_copy, record, f"{name.last}x, {name.first}", f"{name.last}, {name.first}")
    third = reread(site_copy, cache, second)  # back: the newcomer goes, the paper returns
    assert in_place(second, third)
    assert third.corpus == first.corpus


def test_authors_that_trade_places_update_the_model_in_place(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    record = authored_record(first, site_copy)
    assert record.authors
    one, two = record.authors[:2]
    edit_authors(
        site_copy,
        record,
        f"{one.last}, {one.first}, {two.last}, {two.first}",
        f"{two.last}, {two.first}, {one.last}, {one.first}",
    )
    second = reread(site_copy, cache, first)
    assert in_place(first, second)
    assert paper_of(second, record).authors[:2] == paper_of(first, record).authors[1::-1]


def test_an_author_renamed_to_a_known_person_joins_that_person(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    record = authored_record(first, site_copy)
    assert record.authors
    name = record.authors[2]
    known = next(p for p in first.corpus.people if p.name == "Aaron Hurst")
    edit_authors(site_copy, record, f"{name.last}, {name.first}", "Hurst, Aaron")
    second = reread(site_copy, cache, first)
    assert in_place(first, second)
    paper = paper_of(second, record)
    assert paper.authors[2] == known.id and paper.id in second.corpus.people_by_id[known.id].papers


def test_an_author_list_a_fix_gives_by_id_builds_the_model_again(site_copy: Path) -> None:
    _, site = preview_reads(site_copy)
    record = authored_record(site, site_copy)
    paper = paper_of(site, record)
    curation = site_copy / "curation.yaml"
    fix = f'  - match: {{id: "{paper.id}"}}\n    authors: ["Doe, Jane"]\n'
    text = curation.read_text(encoding="utf-8")
    curation.write_text(text.replace("\npapers:\n", "\npapers:\n" + fix, 1), encoding="utf-8")
    cache, first = preview_reads(site_copy)
    assert record.authors and record.authors[1].last
    name = record.authors[1]
    edit_authors(site_copy, record, f"{name.last}, {name.first}", f"{name.last}x, {name.first}")
    second = reread(site_copy, cache, first)  # the fix's authors stay
    assert not in_place(first, second)


LU_CHENG = "corpus/000_db022e47a3265ebc.txt"  # a titled dump: title, authors, abstract lines
NEW_RECORD = [
    "Zyxwv Models of Quux\n",
    "Lu, Cheng, Song, Yang, Zyxwv, Quentin\n",
    "We study zyxwv models of quux and find them wanting.\n",
]


def add_record(source: Path, at_line: int, lines: list[str] = NEW_RECORD) -> None:
    """Put a record's lines into the titled dump before its line ``at_line`` (1-based)."""
    dump = source / LU_CHENG
    text = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    text[-1] = text[-1].rstrip("\n") + "\n"  # the shipped dump's last line has no line end
    text[at_line - 1 : at_line - 1] = lines
    dump.write_text("".join(text), encoding="utf-8")


def untouched_elsewhere(last: SiteInput, site: SiteInput, *files: str) -> bool:
    """Whether every paper with no record in ``files`` is the last model's very object."""
    return all(
        p is last.corpus.papers_by_id[p.id]
        for p in site.corpus.papers
        if all(s.file not in files for s in p.sources)
    )


@pytest.mark.parametrize("at_line", [2, 8, 32])  # first, between two records, after the last
def test_a_record_added_to_a_dump_updates_the_model_in_place(site_copy: Path, at_line: int) -> None:
    cache, first = preview_reads(site_copy)
    add_record(site_copy, at_line)
    second = reread(site_copy, cache, first)  # equal to the model built from scratch
    assert second.new_abstracts is None
    assert untouched_elsewhere(first, second, LU_CHENG)
    [paper] = [p for p in second.corpus.papers if p.title == "Zyxwv Models of Quux"]
    assert paper.sources == (Source(LU_CHENG, at_line),)
    newcomer = person_named(second, "Quentin Zyxwv")  # a new person
    assert paper.authors[-1] == newcomer.id and newcomer.papers == (paper.id,)
    owner = person_named(second, "Cheng Lu")
    assert paper.id in owner.papers and paper.id in person_named(second, "Yang Song").papers
    add_record(site_copy, at_line, [])  # nothing: the same model
    dump = site_copy / LU_CHENG
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[at_line - 1 : at_line + 2]
    dump.write_text("".join(lines), encoding="utf-8")
    third = reread(site_copy, cache, second)  # the record removed again
    assert untouched_elsewhere(second, third, LU_CHENG)
    assert third.corpus == first.corpus


def test_a_record_by_the_owner_of_a_paper_with_no_author_list_updates_the_model_in_place(
    site_copy: Path,
) -> None:
    """The dump's owner is that paper's author only as its profile's owner, not on a list: seen
    again on their new paper's list alone."""
    cache, first = drop_first_author_list(site_copy)
    owner = person_named(first, "Cheng Lu")
    add_record(site_copy, 4)
    second = reread(site_copy, cache, first)  # equal to the model built from scratch
    assert untouched_elsewhere(first, second, LU_CHENG)
    assert len(person_named(second, "Cheng Lu").papers) == len(owner.papers) + 1


def test_an_owner_moved_on_a_list_beside_a_paper_with_no_author_list_updates_in_place(
    site_copy: Path,
) -> None:
    cache, first = drop_first_author_list(site_copy)
    dump = site_copy / LU_CHENG
    text = dump.read_text(encoding="utf-8")
    assert text.count("\nLu, Cheng, Song, Yang\n") == 1
    dump.write_text(text.replace("\nLu, Cheng, Song, Yang\n", "\nSong, Yang, Lu, Cheng\n"), "utf-8")
    second = reread(site_copy, cache, first)  # equal to the model built from scratch
    assert untouched_elsewhere(first, second, LU_CHENG)


def drop_first_author_list(source: Path) -> tuple[DumpCache, SiteInput]:
    """The titled dump's first record loses its author list (its paper's authors are then its
    profiles' owners, the dump's owner among them); the preview's first read after that."""
    dump = source / LU_CHENG
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[2]
    dump.write_text("".join(lines), encoding="utf-8")
    cache, first = preview_reads(source)
    owner = person_named(first, "Cheng Lu")
    [unlisted] = [p for p in first.corpus.papers if p.title == "GPT-4o System Card"]
    assert not unlisted.authors_complete and owner.id in unlisted.authors
    return cache, first


def test_a_record_that_merges_with_another_builds_the_model_again(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    lines = (site_copy / LU_CHENG).read_text(encoding="utf-8").splitlines(keepends=True)
    add_record(site_copy, 2, [NEW_RECORD[0], NEW_RECORD[1], lines[6]])  # another's abstract
    second = reread(site_copy, cache, first)
    assert not untouched_elsewhere(first, second, LU_CHENG)


SECOND_RECORD = [
    "Quux Revisited\n",
    "Song, Yang, Lu, Cheng\n",
    "Quux, once more, with less zyxwv.\n",
]


def add_two_records(source: Path, site: SiteInput) -> None:
    """Two records pasted into the titled dump in one save, one at its top, one further on."""
    add_record(source, 8, SECOND_RECORD)
    add_record(source, 2)


def test_two_records_added_in_one_save_update_the_model_in_place(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    add_two_records(site_copy, first)
    second = reread(site_copy, cache, first)  # equal to the model built from scratch
    assert untouched_elsewhere(first, second, LU_CHENG)
    titles = {p.title: p for p in second.corpus.papers}
    assert titles["Zyxwv Models of Quux"].sources == (Source(LU_CHENG, 2),)
    assert titles["Quux Revisited"].sources == (Source(LU_CHENG, 11),)


def retitle_and_reauthor(source: Path, site: SiteInput) -> None:
    """A record's title and one of its authors fixed in one save."""
    record = authored_record(site, source)
    assert record.title and record.authors
    name = record.authors[1]
    edit_authors(source, record, f"{name.last}, {name.first}", f"{name.last}x, {name.first}")
    dump = source / record.file
    text = dump.read_text(encoding="utf-8")
    dump.write_text(text.replace(record.title, "Revisiting " + record.title, 1), encoding="utf-8")


def test_a_title_and_an_author_list_changed_in_one_save_update_the_model_in_place(
    site_copy: Path,
) -> None:
    cache, first = preview_reads(site_copy)
    record = authored_record(first, site_copy)
    assert record.authors
    retitle_and_reauthor(site_copy, first)
    second = reread(site_copy, cache, first)
    assert in_place(first, second)
    paper = paper_of(second, record)
    assert paper.title == f"Revisiting {record.title}"
    name = record.authors[1]
    assert second.corpus.people_by_id[paper.authors[1]].name == f"{name.first} {name.last}x"


def test_a_record_added_and_another_removed_in_one_save_update_the_model_in_place(
    site_copy: Path,
) -> None:
    cache, first = preview_reads(site_copy)
    dump = site_copy / LU_CHENG
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = next(r for r in first.model.parsed[LU_CHENG].records if r.line == 8)  # type: ignore[union-attr]
    del lines[7:10]
    dump.write_text("".join(lines), encoding="utf-8")
    add_record(site_copy, 2)
    second = reread(site_copy, cache, first)
    assert untouched_elsewhere(first, second, LU_CHENG)
    assert not any(p.title == removed.title for p in second.corpus.papers)


def test_records_added_to_two_dumps_at_once_update_the_model_in_place(site_copy: Path) -> None:
    cache, first = preview_reads(site_copy)
    add_record(site_copy, 2)
    tony = site_copy / "corpus" / "001_900c64551af58656.txt"
    lines = tony.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, "Abstract:Zyxwv quux models are studied here for the first time.\n")
    tony.write_text("".join(lines), encoding="utf-8")
    second = reread(site_copy, cache, first)
    assert untouched_elsewhere(first, second, LU_CHENG, tony.relative_to(site_copy).as_posix())
    assert len(second.corpus.papers) == len(first.corpus.papers) + 2


def edit_untitled(source: Path, site: SiteInput) -> None:
    """An untitled paper is listed by the start of its abstract (and without an arXiv id, its
    id is made from it)."""
    untitled = {(s.file, s.line) for p in site.corpus.papers if p.title is None for s in p.sources}
    record = next(r for r in records(site, source, titled=False) if (r.file, r.line) in untitled)
    assert record.abstract
    rewrite_abstract(source, record, "Zyxwv " + record.abstract)


def start_as_curated(source: Path, site: SiteInput) -> None:
    """The curation retitles papers by the start of their abstract: an edit can make it match."""
    record = records(site, source, titled=True)[0]
    assert record.abstract
    rewrite_abstract(source, record, "Zyxwv quux " + record.abstract)


def rename_owner(source: Path, site: SiteInput) -> None:
    dump = source / records(site, source, titled=True)[0].file
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].rstrip("\n") + "x\n"
    dump.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("edit", [copy_abstract, edit_untitled, start_as_curated, rename_owner])
def test_edits_that_more_than_abstract_text_may_depend_on_build_the_model_again(
    site_copy: Path, edit: object
) -> None:
    curation = site_copy / "curation.yaml"
    text = curation.read_text(encoding="utf-8")
    fix = '  - match: {abstract_starts: "Zyxwv quux"}\n    title: "Curated"\n'
    curation.write_text(text.replace("\npapers:\n", "\npapers:\n" + fix, 1), encoding="utf-8")
    cache, first = preview_reads(site_copy)
    assert callable(edit)
    edit(site_copy, first)
    second = reread(site_copy, cache, first)
    assert second.new_abstracts is None
    assert not in_place(first, second)


def rename_author(source: Path, site: SiteInput) -> None:
    record = authored_record(site, source)
    assert record.authors
    name = record.authors[0]
    edit_authors(source, record, f"{name.last}, {name.first}", f"{name.last}x, {name.first}")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def edit_abstract(source: Path, site: SiteInput) -> None:
    record = records(site, source, titled=True)[0]
    assert record.abstract
    rewrite_abstract(source, record, record.abstract.replace(" the ", " a ", 1))


def append_record(source: Path, site: SiteInput) -> None:
    add_record(source, 2)


@pytest.mark.parametrize(
    "edit",
    [
        edit_abstract,
        retitle,
        rename_author,
        append_record,
        add_two_records,
        retitle_and_reauthor,
        edit_untitled,
        start_as_curated,
        rename_owner,
        drop_acknowledgements,
        retitle_by_curation,
    ],
)
def test_a_preview_rebuild_after_the_edit_equals_a_cold_build(
    site_copy: Path, tmp_path: Path, edit: object
) -> None:
    cache = DumpCache()
    state = build_site(BuildOptions(site_copy, tmp_path / "live"), dumps=cache).state
    assert callable(edit)
    edit(site_copy, read_site(site_copy, dumps=DumpCache()))
    build_site(BuildOptions(site_copy, tmp_path / "live"), previous=state, dumps=cache)
    build_site(BuildOptions(site_copy, tmp_path / "cold"))
    assert tree(tmp_path / "live") == tree(tmp_path / "cold")
