"""The search benchmark's own measurements: the build without an index, what the index
costs, the driverless page."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scholarsite.bench.search_bench import (
    CHROMIUM,
    INDEXLESS_BUILD,
    OURS,
    UNATTACHED_PAGE,
    UNATTACHED_RESULT,
    Query,
    index_cost,
    later_without_driver,
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


def test_the_index_cost_gives_user_cpu_within_all_cpu_and_cleans_up(
    site_copy: Path, tmp_path: Path
) -> None:
    cost = index_cost(site_copy, tmp_path, rounds=1)
    for without, with_index in (cost.wall, cost.cpu, cost.user):
        assert without > 0 and with_index > 0
    assert cost.user[0] <= cost.cpu[0] and cost.user[1] <= cost.cpu[1]
    index, build = cost.own
    assert 0 < index < build  # the index stage's CPU, as the build reports it, within the build's
    assert not (tmp_path / "index-cost").exists()
