"""The command line's progress report and stage timings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from scholarsite import output
from scholarsite.cli import TerminalProgress, main


def test_progress_off_a_terminal_is_a_few_lines_with_the_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([50.0, 52.0, 54.0, 56.0, 58.0])  # the first pages are done 50 s into the build
    monkeypatch.setattr("scholarsite.cli.time.monotonic", lambda: next(clock))
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    for done in (200, 1200, 1300, 3000, 4000):
        progress("pages", done, 4000)
    assert stream.getvalue().splitlines() == [
        "  pages: 200/4000",  # one report gives no rate yet
        "  pages: 1200/4000 (500 pages/s)",
        "  pages: 3000/4000 (467 pages/s)",
        "  pages: 4000/4000 (475 pages/s)",
    ]


def test_build_timings_list_every_stage_with_its_seconds(
    site_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--source", str(site_copy), "--output", str(tmp_path / "out"),
                 "--timings"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index(next(line for line in lines if line.startswith("stage"))) + 1 :]
    rows = {fields[0]: [float(f) for f in fields[1:]] for fields in map(str.split, table)}
    stages = {"read", "views", "changes", "pages", "search", "publish", "export", "state"}
    stages.add("workers")  # the render workers' CPU
    assert set(rows) == stages
    assert all(len(v) == 2 and min(v) >= 0 for k, v in rows.items() if k != "workers")
    # the search index and publishing files are made while the pages render: inside their time
    assert rows["search"][0] <= rows["pages"][0] and rows["search"][1] > 0
    stages = [fields[0] for fields in map(str.split, table)]
    assert stages.index("search") < stages.index("pages")


def test_an_up_to_date_build_prints_no_timings(
    site_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["build", "--source", str(site_copy), "--output", str(tmp_path / "out"), "--timings"]
    assert main(command) == 0
    capsys.readouterr()
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Up to date") and "stage" not in printed


def test_a_full_disk_is_a_message_and_leaves_the_last_build(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert main(["build", "--source", str(site_copy), "--output", str(out)]) == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    def onto_a_full_disk(path: str, data: bytes) -> None:
        output.write_file("/dev/full", data)  # every write there fails with ENOSPC

    about = site_copy / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    monkeypatch.setattr("scholarsite.pagerender.write_file", onto_a_full_disk)
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    command = ["build", "--source", str(site_copy), "--output", str(out), "--no-cache"]
    assert main([*command, "--jobs", "1"]) == 1
    message = stderr.getvalue()
    assert "scholarsite: error: [Errno 28] No space left on device: '/dev/full'" in message
    assert f"nothing in {out} was changed" in message
    assert "Traceback" not in message
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.tmp-")]


@pytest.mark.parametrize("emptied", ["no dumps", "no corpus folder", "no papers"])
def test_a_source_with_no_dumps_is_an_error_and_leaves_the_last_build(
    site_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emptied: str
) -> None:
    out = tmp_path / "out"
    assert main(["build", "--source", str(site_copy), "--output", str(out)]) == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    for dump in (site_copy / "corpus").iterdir():
        dump.unlink()
    if emptied == "no corpus folder":
        (site_copy / "corpus").rmdir()
    if emptied == "no papers":
        (site_copy / "corpus" / "000_empty.txt").write_text("\n")
        (site_copy / "corpus" / "001_scan.pdf").write_bytes(b"%PDF-1.7\n")
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    assert main(["build", "--source", str(site_copy), "--output", str(out)]) == 1
    message = stderr.getvalue()
    found = "no papers in the dumps" if emptied == "no papers" else "no profile dumps"
    assert f"corpus: {found} in {site_copy / 'corpus'}: put the" in message
    if emptied == "no papers":  # what was wrong with each file is said too
        assert "corpus/000_empty.txt:1: empty dump" in message
        assert "corpus/001_scan.pdf:1: looks like a binary file" in message
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/", "https://example.org/?a=1"])
def test_a_bad_base_url_on_the_command_line_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--output", str(tmp_path / "out"), "--base-url", url])
    assert stopped.value.code == 2
    assert f"argument --base-url: base URL {url!r}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_source_that_is_not_a_folder_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nowhere = tmp_path / "nowhere"
    for command in ("build", "check", "serve"):
        with pytest.raises(SystemExit) as stopped:
            main([command, "--source", str(nowhere)])
        assert stopped.value.code == 2
        assert f"argument --source: {nowhere} is not a folder" in capsys.readouterr().err
