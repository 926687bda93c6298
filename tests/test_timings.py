"""Stage timings."""

from __future__ import annotations

import time

from scholarsite.timings import Stopwatch


def test_nested_stages_end_inner_first_and_sleeping_costs_no_cpu() -> None:
    watch = Stopwatch()
    with watch.stage("outer"):
        with watch.stage("inner"):
            time.sleep(0.05)
        sum(range(200_000))
    inner, outer = watch.stages
    assert (inner.stage, outer.stage) == ("inner", "outer")
    assert inner.wall >= 0.05 and inner.cpu < 0.04
    assert outer.wall >= inner.wall and outer.cpu >= inner.cpu


def test_a_stage_that_raises_is_still_timed() -> None:
    watch = Stopwatch()
    try:
        with watch.stage("failing"):
            raise ValueError("stop")
    except ValueError:
        pass
    assert [t.stage for t in watch.stages] == ["failing"]
