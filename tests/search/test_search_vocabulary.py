"""Terms as numbers: a vocabulary numbered as the lists come is the one numbered all at once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scholarsite.search.vocabulary import RunsBuilder, Vocabulary

LISTS = st.lists(
    st.lists(st.sampled_from(["gene", "łódź", "a", "sparse", "2410.21276"]), max_size=8)
)


@given(LISTS)
def test_numbering_lists_as_they_come_is_numbering_them_all_at_once(lists: list[list[str]]):
    growing = Vocabulary.of(())
    built = RunsBuilder()
    for listed in lists:
        built.add(growing.number(listed), len(listed))
    whole = Vocabulary.of(lists)
    assert (growing.terms, growing.ids) == (whole.terms, whole.ids)
    runs, expected = built.runs(), whole.runs(lists)
    assert runs.ids.tolist() == expected.ids.tolist()
    assert runs.lengths.tolist() == expected.lengths.tolist()


@given(LISTS, st.data())
def test_the_runs_between_two_documents_are_those_documents_lists(
    lists: list[list[str]], data: st.DataObject
):
    vocabulary = Vocabulary.of(lists)
    start = data.draw(st.integers(0, len(lists)))
    end = data.draw(st.integers(start, len(lists)))
    part = vocabulary.runs(lists).between(start, end)
    assert part.lengths.tolist() == [len(listed) for listed in lists[start:end]]
    assert part.ids.tolist() == [vocabulary.ids[t] for listed in lists[start:end] for t in listed]
