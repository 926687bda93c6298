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

from scholarsite.incremental import SiteState

_FORMAT = "scholarsite-state 1"


def state_file(output: Path) -> Path:
    out = output.resolve()
    return out.parent / f".{out.name}.scholarsite-state"


def _header(code: str, inputs: str, body: bytes) -> bytes:
    return f"{_FORMAT}\0{code}\0{inputs}\0{hashlib.sha256(body).hexdigest()}\n".encode()


def load_state(output: Path, code: str, inputs: str) -> SiteState | None:
    """The state saved by the build of ``inputs`` with ``code`` (a digest of the generator and
    its settings), or None when there is none, or it is another build's, or it was damaged."""
    try:
        data = state_file(output).read_bytes()
    except FileNotFoundError:
        return None
    head, newline, body = data.partition(b"\n")
    if not newline or head + newline != _header(code, inputs, body):
        return None
    state = pickle.loads(body)  # the bytes this code pickled: the digest above is theirs
    return state if isinstance(state, SiteState) else None


def save_state(output: Path, code: str, inputs: str, state: SiteState) -> None:
    """Keep ``state`` for the next build; what only the preview server uses (the parse cache's
    model, files made from the whole site) is left out: the next build makes those again."""
    body = pickle.dumps(replace(state, model=None, products={}), protocol=pickle.HIGHEST_PROTOCOL)
    target = state_file(output)
    handle, temporary = tempfile.mkstemp(prefix=f"{target.name}.tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(_header(code, inputs, body))
            stream.write(body)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
