"""The search benchmark's scoring helpers (the benchmark itself runs outside the test suite)."""

from __future__ import annotations

from scholarsite.bench.search_bench import Query, hit1, mrr, normalise, rank_of, spread


def test_result_urls_are_compared_as_site_paths() -> None:
    assert normalise("http://127.0.0.1:8000/papers/x/index.html") == "papers/x/"
    assert normalise("/papers/x/") == "papers/x/"
    assert normalise("papers/x/") == "papers/x/"


def test_rank_counts_only_the_top_ten() -> None:
    urls = [f"/papers/{i}/" for i in range(20)]
    assert rank_of("papers/0/", urls) == 1
    assert rank_of("papers/9/", urls) == 10
    assert rank_of("papers/10/", urls) is None


def test_mrr_and_hit_at_one() -> None:
    ranks = [1, 2, None, 4]
    assert mrr(ranks) == (1 + 0.5 + 0.25) / 4
    assert hit1(ranks) == 0.25
    assert mrr([]) == 0.0


def test_first_queries_are_taken_from_every_kind() -> None:
    kinds = ["title"] * 8 + ["prefix"] * 6 + ["typo"] * 6 + ["author"] * 6 + ["arxiv"] * 5
    queries = [Query(f"q{n}", kind, "papers/x/") for n, kind in enumerate(kinds)]
    sample = spread(queries, 10)
    assert len(sample) == 10 and len(set(sample)) == 10
    assert {q.kind for q in sample} == set(kinds)
    assert spread(queries, None) == spread(queries, 99) == queries
