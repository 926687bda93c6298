"""arXiv identifiers: what they say of a paper's date."""

from __future__ import annotations

import pytest

from scholarsite.corpus.arxiv import month_and_number, normalize_id, year_of


@pytest.mark.parametrize(
    ("given", "year", "place"),
    [
        ("arXiv:2410.21276v2", 2024, (10, 21276)),
        ("0704.0001", 2007, (4, 1)),
        ("1412.6980", 2014, (12, 6980)),
        ("hep-th/9901001", 1999, (1, 1)),
        ("math.AG/0512345", 2005, (12, 345)),
    ],
)
def test_an_identifier_gives_its_year_month_and_number(
    given: str, year: int, place: tuple[int, int]
) -> None:
    arxiv = normalize_id(given)
    assert arxiv is not None
    assert (year_of(arxiv), month_and_number(arxiv)) == (year, place)


def test_later_identifiers_of_a_year_rank_higher() -> None:
    ids = ["2401.00002", "2401.10000", "2409.00001", "2412.99999"]
    assert sorted(ids, key=month_and_number) == ids
