"""The benchmark runner: measuring a subprocess, the edit it makes, the summary it prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from scholarsite.bench.__main__ import (
    Row,
    Run,
    count_pages,
    exponents,
    fitted_exponent,
    load_runs,
    main,
    measure,
    parse_sizes,
    prepare,
    remove_extras,
    summarize,
    table,
)
from scholarsite.bench.synth import make_corpus
from scholarsite.errors import ScholarsiteError


def test_fitted_exponent_recovers_the_power() -> None:
    assert fitted_exponent([(1000, 2.0), (10000, 20.0)]) == pytest.approx(1.0)
    assert fitted_exponent([(1000, 1.0), (10000, 100.0), (100000, 10000.0)]) == pytest.approx(2.0)
    assert fitted_exponent([(1000, 1.0)]) is None


def test_summary_takes_medians_and_compares_cold_builds_with_hugo() -> None:
    runs = [Run("hugo", 100, "cold", wall, 1.0, 50.0, 200) for wall in (1.0, 2.0, 9.0)] + [
        Run("scholarsite", 100, "cold", wall, 0.5, 40.0, 200) for wall in (0.5, 0.5, 3.0)
    ]
    rows = summarize(runs)
    assert [(r.tool, r.wall, r.runs) for r in rows] == [("hugo", 2.0, 3), ("scholarsite", 0.5, 3)]
    text = table(rows)
    assert "4.00x" in text  # 400 pages/s against Hugo's 100
    assert text.splitlines()[0].split()[:3] == ["tool", "papers", "run"]


def test_exponents_are_reported_per_tool() -> None:
    rows = [Row("hugo", n, "cold", 2 * n, n / 100, n / 100, 10.0, 1) for n in (100, 1000)]
    assert exponents(rows) == ["hugo: cold-build cost ~ size^1.00 (wall), size^1.00 (CPU)"]


def test_parse_sizes() -> None:
    assert parse_sizes("1000,10_000") == [1000, 10000]
    with pytest.raises(argparse.ArgumentTypeError):
        parse_sizes("1000,lots")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_sizes("0")


def test_measure_reports_cpu_memory_and_failures(tmp_path: Path) -> None:
    burn = "x = bytearray(64 * 2**20); sum(range(3 * 10**6))"
    wall, cpu, peak = measure([sys.executable, "-c", burn], tmp_path / "log")
    assert wall >= cpu * 0.5 > 0
    assert peak >= 64
    with pytest.raises(ScholarsiteError, match="exited with 3"):
        measure([sys.executable, "-c", "raise SystemExit(3)"], tmp_path / "log")


def test_count_pages_counts_index_files(tmp_path: Path) -> None:
    for page in ("index.html", "a/index.html", "a/b/index.html", "a/other.html"):
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_text("x")
    assert count_pages(tmp_path) == 3


def test_edit_changes_one_abstract_and_undoes_it(tmp_path: Path) -> None:
    space = prepare(tmp_path / "n80", make_corpus(80), with_hugo=False)
    before = space.edit.dump.read_bytes()
    space.edit.apply()
    after = space.edit.dump.read_bytes()
    assert after != before and after.count(b"We revise this abstract.") == 1
    space.edit.undo()
    assert space.edit.dump.read_bytes() == before


def test_remove_extras_keeps_only_generated_files(tmp_path: Path) -> None:
    space = prepare(tmp_path / "n20", make_corpus(20), with_hugo=False)
    keep = set(space.source_root.rglob("*"))
    (space.source / ".cache" / "x").mkdir(parents=True)
    (space.source / "stray.json").write_text("{}")
    remove_extras(space.source_root, keep)
    assert set(space.source_root.rglob("*")) == keep


def test_runner_end_to_end_without_hugo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = tmp_path / "runs.jsonl"
    argv = ["--sizes", "15", "--repeat", "1", "--no-hugo", "--workdir", str(tmp_path)]
    argv += ["--settle", "0"]
    code = main([*argv, "--runs", str(runs)])
    out = capsys.readouterr().out
    assert code == 0
    kinds = [line.split()[2] for line in out.splitlines()[1:4]]
    assert kinds == ["cold", "no-change", "one-edit"]
    assert (tmp_path / "n15" / "scholarsite-out" / "index.html").is_file()
    assert [run.kind for run in load_runs(runs)] == kinds
    assert main(["--report", str(runs)]) == 0
    assert capsys.readouterr().out == out


def test_report_refuses_a_file_that_is_not_a_runs_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "runs.jsonl").write_text('{"tool": "hugo"}\n')
    assert main(["--report", str(tmp_path / "runs.jsonl")]) == 1
    assert "not a runs file" in capsys.readouterr().err


def test_runner_hugo_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--sizes", "20", "--repeat", "2", "--no-scholarsite", "--workdir", str(tmp_path)]
    assert main([*argv, "--settle", "0"]) == 0
    # the first run's output was set aside for the second, and deleted at the end
    assert (tmp_path / "n20" / "hugo-out" / "index.html").is_file()
    assert not (tmp_path / "n20" / "trash").exists()
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:3] == ["hugo", "20", "cold"]
    assert len(lines) == 2  # one row, and no exponent from a single size
