"""A save that changed several records, told as single changes the model update takes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scholarsite.corpus import RawProfile, parse_dump
from scholarsite.editsteps import MAX_STEPS, edit_steps
from scholarsite.modelupdate import record_change, text_edits

WORDS = ["deep", "sparse", "models", "quantum", "graphs", "learning", "noise", "flows"]
NAMES = ["Lu, Cheng", "Song, Yang", "Mądry, Aleksander", "Kaiser, Łukasz", "Hurst, Aaron"]

Paper = tuple[str, str, str]  # title, author list, abstract


def dump(papers: list[Paper], owner: str = "Lu, Cheng") -> RawProfile:
    lines = [owner] + [line for paper in papers for line in paper]
    return parse_dump("\n".join(lines).encode(), "corpus/000_test.txt")


def one_change(before: RawProfile, after: RawProfile) -> bool:
    edits = text_edits(before, after)
    if edits is not None:
        retitled = any(a.title != b.title for a, b in edits)
        authored = any(a.authors != b.authors for a, b in edits)
        return len(edits) == 1 and not (retitled and authored)
    return record_change(before, after) is not None


def assert_chain(old: RawProfile, new: RawProfile) -> list[RawProfile]:
    steps = edit_steps(old, new)
    assert steps is not None
    assert steps[-1] is new
    for before, after in zip([old, *steps], steps, strict=False):
        assert one_change(before, after), (before.records, after.records)
    return steps


PAPERS: list[Paper] = [
    (f"{WORDS[n]} {WORDS[n + 1]} title {n}", f"{NAMES[n % 5]}, {NAMES[(n + 2) % 5]}",
     f"We study {WORDS[n]} with {WORDS[-n - 1]}, in case {n}.")
    for n in range(6)
]  # fmt: skip
NEW: Paper = ("A new paper on quux", "Zyxwv, Quentin, Lu, Cheng", "Quux is studied here.")


def test_two_records_pasted_in_come_one_at_a_time() -> None:
    old = dump(PAPERS)
    new = dump([*PAPERS[:2], NEW, *PAPERS[2:4], ("Another new one", "Song, Yang", "More."),
                *PAPERS[4:]])  # fmt: skip
    steps = assert_chain(old, new)
    assert [len(s.records) for s in steps] == [7, 8]


def test_a_title_and_its_author_list_change_in_two_steps() -> None:
    old = dump(PAPERS)
    edited = ("A better title", "Song, Yang, Lu, Cheng", PAPERS[3][2])
    steps = assert_chain(old, dump([*PAPERS[:3], edited, *PAPERS[4:]]))
    assert [(s.records[3].title, s.records[3].authors) for s in steps[:1]] == [
        ("A better title", old.records[3].authors)
    ]
    assert len(steps) == 2


def test_a_record_removed_and_another_edited_further_on() -> None:
    old = dump(PAPERS)
    edited = (PAPERS[5][0], PAPERS[5][1], "A rewritten abstract.")
    steps = assert_chain(old, dump([*PAPERS[:1], *PAPERS[2:5], edited]))
    assert len(steps) == 2


def test_a_new_owner_or_too_many_changes_are_no_chain() -> None:
    assert edit_steps(dump(PAPERS), dump(PAPERS, owner="Song, Yang")) is None
    many = [(f"Fresh {n}", "Song, Yang", f"Abstract {n}.") for n in range(MAX_STEPS + 1)]
    assert edit_steps(dump(PAPERS), dump([*PAPERS, *many])) is None


edit = st.tuples(
    st.sampled_from(["add", "remove", "title", "authors", "abstract", "title+authors"]),
    st.integers(min_value=0, max_value=20),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(edit, min_size=1, max_size=4))
def test_any_few_edits_make_a_chain_of_single_changes(edits: list[tuple[str, int]]) -> None:
    papers = list(PAPERS)
    for n, (kind, at) in enumerate(edits):
        at %= len(papers) + (kind == "add")
        if kind == "add":
            papers.insert(at, (f"New {n} quux", "Zyxwv, Quentin, Lu, Cheng", f"Fresh text {n}."))
        elif kind == "remove" and len(papers) > 1:
            del papers[at]
        elif kind != "remove":
            title, authors, abstract = papers[at]
            if "title" in kind:
                title = f"Edited {n} {title}"
            if "authors" in kind:
                authors = f"Adder{'abcd'[n]}, Aaron, {authors}"  # a name new to the list
            if kind == "abstract":
                abstract = f"Edited {n}: {abstract}"
            papers[at] = (title, authors, abstract)
    old, new = dump(PAPERS), dump(papers)
    if [r.__dict__ for r in old.records] == [r.__dict__ for r in new.records]:
        return
    assert_chain(old, new)
