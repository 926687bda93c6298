"""Co-authors by runs of long author lists (scholarsite/coauthors.py) against the definition
(``Corpus.coauthors``), and their markup against the one-by-one rendering."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from scholarsite.coauthors import RUN_MIN, CoauthorIndex, Run, expand
from scholarsite.model import Corpus, Paper, Person
from scholarsite.views import CountedLinks, PersonRef

NAMES = [f"p{i}" for i in range(RUN_MIN + 12)]


def _corpus(lists: list[tuple[list[str], bool]]) -> Corpus:
    papers = [
        Paper(f"paper-{i}", None, tuple(authors), complete, "", None, None, (), (), ())
        for i, (authors, complete) in enumerate(lists)
    ]
    papers_of: dict[str, list[str]] = {name: [] for name in NAMES}
    for paper in papers:
        for pid in dict.fromkeys(paper.authors):
            papers_of[pid].append(paper.id)
    people = [Person(n, n.upper(), None, tuple(papers_of[n]), (), (), n) for n in NAMES]
    return Corpus.of(papers, people, ())


# Author lists short and long (a long one is kept as a run), with repeated names, overlapping.
author_lists = st.lists(
    st.tuples(
        st.one_of(
            st.lists(st.sampled_from(NAMES), max_size=8),
            st.lists(st.sampled_from(NAMES), min_size=RUN_MIN, max_size=RUN_MIN + 20),
        ),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(author_lists)
def test_runs_give_the_defined_list_of_co_authors(lists: list[tuple[list[str], bool]]) -> None:
    corpus = _corpus(lists)
    index = CoauthorIndex(corpus)
    for person in corpus.people:
        found = index.of(person)
        assert expand(found, index) == corpus.coauthors(person)
        assert found.count == len(corpus.coauthors(person))


def test_a_long_list_is_a_run_with_holes_for_the_person_and_the_shared() -> None:
    long = NAMES[: RUN_MIN + 4]
    corpus = _corpus([(long, True), (["p0", "p3", "p40"], True)])
    index = CoauthorIndex(corpus)
    found = index.of(corpus.people_by_id["p0"])
    assert found.shared == (("p3", 2),)
    assert found.once == (Run("paper-0", (0, 3), len(long) - 2), ("p40",))
    assert found.count == len(long)


@settings(max_examples=100, deadline=None)
@given(author_lists, st.integers(min_value=0, max_value=40))
def test_run_markup_is_the_one_by_one_markup(
    lists: list[tuple[list[str], bool]], shown: int
) -> None:
    corpus = _corpus(lists)
    index = CoauthorIndex(corpus)
    refs = {n: PersonRef(n, f"<{n}>", f"authors/{n}/", n == "p1", n) for n in NAMES}
    links = CountedLinks(index, refs, "../../")

    def one_by_one(people: tuple[tuple[str, int], ...]) -> bytes:
        return "".join(
            Markup(
                '<li><a href="../../{}index.html"{}>{}</a> <span class="count">{}</span></li>'
            ).format(
                refs[pid].url, Markup(' class="unnamed"') if pid == "p1" else "", refs[pid].name, n
            )
            for pid, n in people
        ).encode()

    for person in corpus.people:
        listed = corpus.coauthors(person)
        top, rest = links(index.of(person), shown)
        assert (top, rest) == (one_by_one(listed[:shown]), one_by_one(listed[shown:]))
