"""A large corpus is parsed in forked workers: the same profiles, in the same order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[2] / "site_src"
BROKEN = [
    b"Lu, Cheng\r\nA title\nLu, Cheng, :, null\r\nAn abstract cut",
    "Mądry\nAbstract:Caf\u00e9".encode("latin-1", "replace") + b"\xe9\x00 bytes\n",
    b"\x89PNG\r\n\x1a\n\x00\x00",
    b"",
    b"arXiv:2410.21276Abstract two.\nNeurIPS 2021\narXiv:2407.16226v2",
]

# Run in a process of its own: forking is refused where other tests left threads running.
COMPARE = """
import sys
from dataclasses import replace
from pathlib import Path
import scholarsite.corpus as corpus
from scholarsite.workers import can_fork
source = Path(sys.argv[1])
alone = [replace(p, source_lines=()) for p in corpus.read_corpus(source, jobs=1)]
corpus.PARALLEL_BYTES = 64  # every dump is worth a worker
assert can_fork()
shared = corpus.read_corpus(source, jobs=2)
print(len(shared), shared == alone)
"""


def test_workers_give_the_profiles_one_process_gives(tmp_path: Path) -> None:
    source = tmp_path / "site_src"
    (source / "corpus").mkdir(parents=True)
    dumps = [dump.read_bytes() for dump in sorted((SHIPPED / "corpus").iterdir())] + BROKEN
    for number, data in enumerate(dumps):  # shipped dumps and broken ones, interleaved by name
        (source / "corpus" / f"{number % 3}_{number:02d}.txt").write_bytes(data)
    (source / "corpus" / "link.txt").symlink_to(tmp_path / "outside.txt")
    (tmp_path / "outside.txt").write_text("Tony\nAbstract: Outside.\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", COMPARE, str(source)], capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == [str(len(dumps) + 1), "True"]
