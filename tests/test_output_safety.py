"""A failed build never destroys the last good one; the build never writes where it would destroy
input or unrelated files; it never follows a link out of the site source; it removes only files
it created."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scholarsite.build import BuildOptions, build_site
from scholarsite.errors import ScholarsiteError
from scholarsite.output import (
    MARKER,
    SiteWriter,
    _lists_all,
    check_output_target,
    make_folder,
    recover_interrupted_swap,
    write_file,
    written_files,
)

ROOT = Path(__file__).resolve().parent.parent
DUMP = (
    "Lu, Cheng\nA Paper That Parses\nLu, Cheng, Song, Yang\n"
    "We show that a small site builds in a moment, so that the swap of its output directory can be "
    "interrupted at every step and checked.\n"
)
SECRET = "TOP-SECRET-LINE-OUTSIDE-THE-SITE"


def small_site(root: Path) -> Path:
    source = root / "site_src"
    (source / "corpus").mkdir(parents=True)
    (source / "corpus" / "000_lu.txt").write_text(DUMP, encoding="utf-8")
    return source


def touch_inputs(source: Path) -> None:
    """Change the inputs without changing the site: a comment in site.yaml."""
    (source / "site.yaml").write_text("# edited\n", encoding="utf-8")


def without_marker(files: dict[str, str]) -> dict[str, str]:
    return {name: digest for name, digest in files.items() if name != MARKER}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != "site_src")


# ---- a build that dies half-way ------------------------------------------------------------

_DIE_AFTER_WRITES = """
import os, sys
from pathlib import Path
from scholarsite.build import BuildOptions, build_site
original = os.open
made = []
def dying_open(path, flags, *args, **kwargs):
    if flags & os.O_CREAT:
        if len(made) == int(sys.argv[3]):
            os._exit(3)
        made.append(path)
    return original(path, flags, *args, **kwargs)
os.open = dying_open
build_site(BuildOptions(Path(sys.argv[1]), Path(sys.argv[2])))
"""

_DIE_BETWEEN_RENAMES = """
import os, sys
from pathlib import Path
from scholarsite import output
from scholarsite.build import BuildOptions, build_site
renames = []
real_rename = os.rename
def rename(src, dst):
    renames.append(src)
    real_rename(src, dst)
    if len(renames) == 1:
        os._exit(4)
output.os.rename = rename
build_site(BuildOptions(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def run_script(script: str, *args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        timeout=300,
        check=False,
    )
    return done.returncode


@pytest.mark.parametrize("writes", [0, 3, 10])
def test_a_build_killed_half_way_leaves_the_previous_build_intact(
    tmp_path: Path, writes: int
) -> None:
    source = small_site(tmp_path)
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    before = snapshot(output)
    (source / "corpus" / "001_more.txt").write_text("Tony\nAbstract: Another paper.\n")
    assert run_script(_DIE_AFTER_WRITES, str(source), str(output), str(writes)) == 3
    assert snapshot(output) == before


def test_a_build_killed_between_the_two_renames_is_recovered(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    before = snapshot(output)
    touch_inputs(source)  # a real build, not "up to date"
    assert run_script(_DIE_BETWEEN_RENAMES, str(source), str(output)) == 4
    assert not output.exists()
    recover_interrupted_swap(output)
    assert snapshot(output) == before
    build_site(BuildOptions(source, output))
    assert without_marker(snapshot(output)) == without_marker(before)


def test_a_failing_writer_leaves_the_previous_build_and_no_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = small_site(tmp_path)
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    before = snapshot(output)

    def failing_write(self: SiteWriter, rel: str, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SiteWriter, "write", failing_write)
    touch_inputs(source)
    with pytest.raises(OSError, match="No space left"):
        build_site(BuildOptions(source, output))
    assert snapshot(output) == before
    assert siblings(output) == ["build"]


def test_a_swap_replaces_the_site_and_leaves_no_temporary_directories(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    (source / "corpus" / "001_more.txt").write_text("Tony\nAbstract: Another paper here.\n")
    build_site(BuildOptions(source, output))
    assert "Another paper here" in (output / "corpus.json").read_text(encoding="utf-8")
    # The previous build is removed by a process of its own, after this one returns; it is
    # never again a build that recover_interrupted_swap would put back.
    assert not list(tmp_path.glob(f".build.old-*/{MARKER}"))
    assert eventually(lambda: siblings(output) == ["build"])


def test_a_previous_build_left_half_removed_goes_with_the_next_build(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    left = tmp_path / ".build.old-stopped"
    shutil.copytree(output, left / "papers")  # the machine stopped while it was being removed
    touch_inputs(source)
    build_site(BuildOptions(source, output))
    assert eventually(lambda: not left.exists())
    assert (output / MARKER).is_file()


def eventually(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# ---- dangerous --output targets ------------------------------------------------------------


def test_refuses_the_source_and_its_parents_and_anything_inside_it(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    for target in (source, tmp_path, source / "corpus", source / "sub" / "build"):
        with pytest.raises(ScholarsiteError, match="refusing to write the site into"):
            check_output_target(target, source)


def test_refuses_the_filesystem_root_and_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = small_site(tmp_path)
    home = tmp_path / "home" / "someone"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for target in (Path("/"), home, home.parent, Path("/..")):
        with pytest.raises(ScholarsiteError, match="choose a dedicated --output"):
            check_output_target(target, source)


def test_refuses_a_non_empty_directory_that_scholarsite_did_not_write(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "thesis.tex").write_text("years of work")
    with pytest.raises(ScholarsiteError, match="not empty and was not written by scholarsite"):
        build_site(BuildOptions(source, documents))
    assert (documents / "thesis.tex").read_text() == "years of work"
    assert sorted(p.name for p in documents.iterdir()) == ["thesis.tex"]


def test_refuses_a_file_as_the_output(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    with pytest.raises(ScholarsiteError, match="is a file, not a directory"):
        build_site(BuildOptions(source, target))
    assert target.read_text() == "keep me"


def test_a_link_to_a_dangerous_directory_is_judged_by_where_it_points(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    link = tmp_path / "build"
    link.symlink_to(source)
    with pytest.raises(ScholarsiteError, match="holds the site source"):
        check_output_target(link, source)


def test_an_empty_directory_or_a_previous_build_is_accepted(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    build_site(BuildOptions(source, empty))
    on_disk = {p.relative_to(empty).as_posix() for p in empty.rglob("*") if p.is_file()}
    assert written_files(empty) == on_disk - {MARKER}  # the marker lists every file, only those
    build_site(BuildOptions(source, empty))


def test_cli_refusal_is_a_message_and_exit_1(tmp_path: Path) -> None:
    small_site(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "scholarsite", "build", "--output", "site_src"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "refusing to write the site into" in done.stderr
    assert "Traceback" not in done.stderr


# ---- only files the build created are removed ----------------------------------------------


def test_a_file_added_to_the_output_by_hand_is_never_deleted(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    (output / "CNAME").write_text("example.org\n")
    (output / "papers" / "notes.md").write_text("mine\n")
    assert build_site(BuildOptions(source, output)).up_to_date  # nothing to write: no refusal
    touch_inputs(source)
    with pytest.raises(ScholarsiteError, match=r"2 file\(s\) in it were not written") as refusal:
        build_site(BuildOptions(source, output))
    assert "CNAME" in str(refusal.value) and "papers/notes.md" in str(refusal.value)
    assert (output / "CNAME").read_text() == "example.org\n"
    assert (output / "papers" / "notes.md").read_text() == "mine\n"


def test_files_of_the_previous_build_that_are_no_longer_produced_go(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    (source / "pages").mkdir()
    (source / "pages" / "about.md").write_text("# About\n")
    output = tmp_path / "build"
    build_site(BuildOptions(source, output))
    assert (output / "about" / "index.html").is_file()
    (source / "pages" / "about.md").unlink()
    build_site(BuildOptions(source, output))
    assert not (output / "about").exists()


def test_the_writer_refuses_paths_that_leave_the_site(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path / "build")
    try:
        for rel in ("../escape.html", "/etc/passwd", "a/../../b", MARKER):
            with pytest.raises(ScholarsiteError, match="not a path inside the site"):
                writer.write(rel, b"x")
    finally:
        writer.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_written_file_holds_exactly_the_new_bytes_with_the_usual_permissions(
    tmp_path: Path,
) -> None:
    target = tmp_path / "page.html"
    target.write_bytes(b"a much longer previous page")
    write_file(str(target), b"new")
    assert target.read_bytes() == b"new"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    large = os.urandom(3 << 20)
    write_file(str(tmp_path / "large.bin"), large)
    assert (tmp_path / "large.bin").read_bytes() == large


def test_a_folder_is_made_with_its_missing_parents_and_an_existing_one_is_kept(
    tmp_path: Path,
) -> None:
    (tmp_path / "papers").mkdir()
    (tmp_path / "papers" / "kept.txt").write_text("kept")
    make_folder(str(tmp_path / "papers"))
    make_folder(str(tmp_path / "papers" / "one"))
    make_folder(str(tmp_path / "authors" / "someone" / "deeper"))
    assert (tmp_path / "papers" / "kept.txt").read_text() == "kept"
    assert (tmp_path / "papers" / "one").is_dir()
    assert (tmp_path / "authors" / "someone" / "deeper").is_dir()


# ---- links out of the site source ----------------------------------------------------------


def test_a_corpus_link_to_a_file_outside_the_source_is_refused(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text(f"Tony\nAbstract: {SECRET} and more words to make an abstract.\n")
    (source / "corpus" / "002_link.txt").symlink_to(secret)
    output = tmp_path / "build"
    result = build_site(BuildOptions(source, output))
    assert any(
        p.file == "corpus/002_link.txt" and "outside the site source" in p.message
        for p in result.problems
    )
    for path in output.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_a_corpus_link_inside_the_source_is_read(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    (source / "corpus" / "001_alias.txt").symlink_to(source / "corpus" / "000_lu.txt")
    result = build_site(BuildOptions(source, tmp_path / "build"))
    assert not any(
        p.file == "corpus/001_alias.txt" for p in result.problems if "outside" in p.message
    )


def test_a_theme_link_to_a_file_outside_the_theme_is_refused(tmp_path: Path) -> None:
    source = small_site(tmp_path)
    shutil.copytree(ROOT / "static", tmp_path / "static")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    (tmp_path / "static" / "leak.css").symlink_to(secret)
    output = tmp_path / "build"
    with pytest.raises(ScholarsiteError, match="link to a file outside"):
        build_site(BuildOptions(source, output))
    assert not output.exists()
    assert siblings(output) == ["secret.txt", "static"]


@pytest.mark.parametrize("many", [False, True])
def test_the_marker_is_known_to_list_a_file_only_when_a_whole_line_names_it(many: bool) -> None:
    listed = "papers/a/index.html\nauthors/b/index.html\nindex.html\n"
    filler = [f"papers/x{n}/index.html" for n in range(20 if many else 0)]
    listed += "".join(f"{path}\n" for path in filler)
    assert _lists_all(listed, [*filler, "index.html", "papers/a/index.html"])
    assert _lists_all(listed.rstrip("\n"), [*filler, "index.html"])  # no newline at the end
    for part in ("a/index.html", "papers/a", "authors/b/index.htm", "other.html"):
        assert not _lists_all(listed, [*filler, part]), part
