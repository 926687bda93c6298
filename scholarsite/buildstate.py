"""The state a command-line build keeps beside its output, so that the next build renders and
writes only the pages whose inputs changed, as the preview server does between edits.

The state is a file next to the output directory, never inside it (the output is published).
A build uses it only when it was written by the same code with the same settings, for the build
whose files are all still in the output (the digest of inputs in the output's marker), and its
bytes are those written; otherwise the build renders every page.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from scholarsite.gcpause import collector_paused
from scholarsite.incremental import SiteState

_FORMAT = "scholarsite-state 1"
_HEAD_MAX = 4096  # the header line is the format and three digests


def state_file(output: Path) -> Path:
    out = output.resolve()
    return out.parent / f".{out.name}.scholarsite-state"


def _header(code: str, inputs: str, digest: str) -> bytes:
    """The first line: the format, the code and inputs built from, and the body's SHA-256."""
    return f"{_FORMAT}\0{code}\0{inputs}\0{digest}\n".encode()


def load_state(output: Path, code: str, inputs: str) -> SiteState | None:
    """The state saved by the build of ``inputs`` with ``code`` (a digest of the generator and
    its settings), or None when there is none, or it is another build's, or it was damaged.
    The file is read twice, never held whole: once for its digest, then unpickled as it is
    read (at 100,000 papers it is 280 MB, and holding it beside the state it unpickles to took
    a rebuild's memory 0.5 GB higher)."""
    try:
        stream = state_file(output).open("rb")
    except FileNotFoundError:
        return None
    with stream:
        head = stream.readline(_HEAD_MAX)
        body = stream.tell()
        digest = hashlib.file_digest(stream, "sha256").hexdigest()
        if head != _header(code, inputs, digest):
            return None
        stream.seek(body)
        # The bytes this code pickled: the digest above is theirs (a later build replaces the
        # file, it never writes into it, so this open file's bytes stay those digested). They
        # hold no reference cycles: at 100,000 papers the load took 8-10 s with the collector
        # rescanning the millions of objects it makes, and takes 3 s without.
        with collector_paused():
            state = pickle.load(stream)
    return state if isinstance(state, SiteState) else None


def save_state(output: Path, code: str, inputs: str, state: SiteState) -> None:
    """Keep ``state`` for the next build; what only the preview server uses (the parse cache's
    model) is left out: the next build reads the dumps again.
    The state is pickled straight into the file, its digest written last over a placeholder:
    at scale it is hundreds of megabytes, which need not be in memory at once."""
    kept = replace(state, model=None)
    target = state_file(output)
    handle, temporary = tempfile.mkstemp(prefix=f"{target.name}.tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_header(code, inputs, "0" * 64))
            body = _Digesting(stream)
            pickle.dump(kept, body, protocol=pickle.HIGHEST_PROTOCOL)
            stream.seek(0)
            stream.write(_header(code, inputs, body.sha256.hexdigest()))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class _Digesting:
    """A binary stream's writing end that also feeds what it writes to a SHA-256."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self.stream.write(data)
