"""The search benchmark's own measurements: the build without an index, what the index
costs, the driverless page."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from scholarsite.bench.search_bench import (
    CHROMIUM,
    INDEXLESS_BUILD,
    OURS,
    UNATTACHED_PAGE,
    UNATTACHED_RESULT,
    IndexCost,
    Query,
    first_query,
    index_cost,
    later_without_driver,
    main,
    serve,
)
from scholarsite.build import BuildResult


def test_the_indexless_build_is_the_same_site_without_its_search_index(
    site_copy: Path, tmp_path: Path, shipped_build: BuildResult
) -> None:
    output = tmp_path / "out"
    command = [sys.executable, "-c", INDEXLESS_BUILD, "build", "--source", str(site_copy),
               "--output", str(output)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    built = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    full = {p.relative_to(shipped_build.output).as_posix()
            for p in shipped_build.output.rglob("*") if p.is_file()}  # fmt: skip
    index = {p for p in full if p.startswith("search/idx/")}
    assert index and not built & index
    assert built == full - index


def test_a_page_with_no_driver_times_every_query_and_leaves_nothing_behind(
    shipped_build: BuildResult, tmp_path: Path
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    site = tmp_path / "site"
    shutil.copytree(shipped_build.output, site)
    queries = [Query(q, "any", "") for q in ("madry", "consistency", "2410.21276")]
    with serve(site) as base:
        timings = later_without_driver(site, base, OURS, queries)
    assert len(timings) == len(queries) and all(ms >= 0 for ms in timings) and sum(timings) > 0
    assert not (site / UNATTACHED_PAGE).exists() and not (site / UNATTACHED_RESULT).exists()


def test_the_index_cost_pairs_builds_without_and_with_it_and_cleans_up(
    site_copy: Path, tmp_path: Path
) -> None:
    cost = index_cost(site_copy, tmp_path, rounds=2)
    assert len(cost.wall) == len(cost.cpu) == len(cost.user) == len(cost.own) == 2
    for without, with_index in cost.wall + cost.cpu + cost.user:
        assert without > 0 and with_index > 0
    for (user_without, user_with), (cpu_without, cpu_with) in zip(cost.user, cost.cpu, strict=True):
        assert user_without <= cpu_without and user_with <= cpu_with
    for index, (_, build) in zip(cost.own, cost.cpu, strict=True):
        assert 0 < index < build  # the index stage's CPU, as the build reports it, in the build's
    assert 0 < cost.own_share < 1
    assert not (tmp_path / "index-cost").exists()


def test_what_the_index_adds_cancels_which_build_of_a_round_goes_first() -> None:
    # Rounds alternate: without the index first, then with it first. Going second costs 1 s.
    rounds = [(10.0, 12.0), (11.0, 10.5), (20.0, 21.0), (10.0, 13.0), (10.0, 11.0)]
    cost = IndexCost(rounds, rounds, rounds, [0.5, 1.0, 2.6, 1.0, 1.0])
    # pairs of rounds: (+20%, -4.5%), (+5%, +30%), (+10%) alone -> means 7.7%, 17.5%, 10%
    assert cost.added(rounds) == pytest.approx(0.10)
    assert cost.added(rounds[:2]) == pytest.approx((0.2 + 10.5 / 11 - 1) / 2)
    assert cost.medians(rounds) == (10.0, 12.0)
    assert cost.own_share == pytest.approx(1.0 / 11)  # shares 0.042, 0.095, 0.12, 0.077, 0.091


def test_a_first_query_is_timed_and_its_search_files_counted(
    shipped_build: BuildResult, browser: Browser
) -> None:
    with serve(shipped_build.output) as base:
        size, ms = first_query(browser, base, OURS, "madry")
    client = (shipped_build.output / "static" / "search.js").stat().st_size
    assert ms > 0
    assert size > 1000 and size < client  # gzip: less than the raw client, more than nothing


def test_a_missing_pagefind_is_named_with_the_fix_before_anything_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = importlib.util.find_spec
    hidden = {"pagefind": None}
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: hidden.get(name, found(name)))
    workdir = tmp_path / "bench"
    assert main(["--sizes", "1000", "--workdir", str(workdir)]) == 1
    error = capsys.readouterr().err
    assert "error: pagefind is not installed" in error
    assert "pip install -e '.[bench]'" in error and "--no-pagefind" in error
    assert not workdir.exists()
