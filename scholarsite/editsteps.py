"""One save of a dump that changed several things, told as a chain of single changes.

The model is updated in place (:mod:`scholarsite.modelupdate`) for one kind of change at a
time: edits to the texts of records (abstracts, titles, author lists), or one record added or
removed. A save often holds more: two papers pasted in, a title and its author list fixed
together, a record rewritten. :func:`edit_steps` lines up the records of the dump before and
after (by what they hold, not where they are) and gives the dumps in between, one change
apart, each numbered as its text would be. The model update then takes the steps one by one
and checks each as it would a save of its own, so a chain this module gets wrong can only
send the build back to making the model from scratch.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from scholarsite.corpus import RawProfile, RawRecord

MAX_STEPS = 8  # more changes than this, and building the model again is as quick


def content(record: RawRecord) -> Hashable:
    """What a record holds, wherever it is in its dump."""
    shape = tuple(n - record.line for n in record.lines)
    return (record.title, record.authors, record.abstract, record.arxiv, record.comments,
            record.hidden, shape)  # fmt: skip


def moved(record: RawRecord, lines: int) -> RawRecord:
    """``record`` as it is ``lines`` lines further down its dump (up, when negative)."""
    if not lines:
        return record
    at = record.abstract_line
    return replace(
        record,
        line=record.line + lines,
        lines=tuple(n + lines for n in record.lines),
        abstract_line=None if at is None else at + lines,
    )


def text_steps(before: RawRecord, after: RawRecord) -> list[RawRecord] | None:
    """``before`` turned into ``after`` (at the same place) in steps the model update takes one
    at a time: the title and abstract, then the author list; None if more than those changed,
    or if the author list appears or goes."""
    if replace(before, title=after.title, abstract=after.abstract, authors=after.authors) != after:
        return None
    if bool(before.authors) != bool(after.authors):
        return None
    texts = replace(before, title=after.title, abstract=after.abstract)
    return [texts, after] if texts not in (before, after) else [after]


def stretch_edits(
    before: Sequence[RawRecord], after: Sequence[RawRecord]
) -> list[list[RawRecord]] | None:
    """The :func:`text_steps` of each record of a stretch, when the stretch's records were all
    edited where they are; else None."""
    if len(before) != len(after):
        return None
    edits = [text_steps(moved(a, b.line - a.line), b) for a, b in zip(before, after, strict=True)]
    return None if any(e is None for e in edits) else [e for e in edits if e is not None]


class Chain:
    """The dumps between ``old`` and ``new``. Each holds the records of ``new`` up to a point,
    then those of ``old`` from a point on, moved to start where the next record of ``new``
    starts; and the warnings of each side on their lines."""

    def __init__(self, old: RawProfile, new: RawProfile) -> None:
        self.old, self.new = old, new
        self.steps: list[RawProfile] = []

    def add(self, placed: list[RawRecord], rest: int, at_end: int | None = None) -> None:
        """A step: ``placed`` (the first records of ``new``, the last maybe part-way), then the
        old records from index ``rest`` on; those start at ``at_end`` once all of ``new``'s
        records are placed."""
        following = _line(self.new.records, len(placed))
        old = self.old.records[rest:]
        at = following if following is not None else at_end
        shift = at - old[0].line if old and at is not None else 0
        problems = [p for p in self.new.problems if following is None or p.line < following]
        if old:
            problems += [
                replace(p, line=p.line + shift) for p in self.old.problems if p.line >= old[0].line
            ]
        records = [*placed, *(moved(r, shift) for r in old)]
        self.steps.append(replace(self.new, records=records, problems=problems))


def edit_steps(old: RawProfile, new: RawProfile) -> list[RawProfile] | None:
    """The dumps from ``old`` to ``new`` (``new`` last), each one change after the one before:
    text edits to one record, or one record added or removed. None when the header changed or
    the chain would be long."""
    if (old.layout, old.owner, old.owner_line) != (new.layout, new.owner, new.owner_line):
        return None
    matcher = SequenceMatcher(
        None, [content(r) for r in old.records], [content(r) for r in new.records], autojunk=False
    )
    chain = Chain(old, new)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        placed = new.records[:j1]
        edits = stretch_edits(old.records[i1:i2], new.records[j1:j2])
        if edits is not None:  # records edited where they are, one after the other
            for k, steps in enumerate(edits):
                for step in steps:
                    chain.add([*placed, *new.records[j1 : j1 + k], step], i1 + k + 1)
        else:
            # Where the stretch starts once all of new is placed: after the last equal record.
            shift = new.records[j1 - 1].line - old.records[i1 - 1].line if i1 and j1 else 0
            at_end = old.records[i1].line + shift if i1 < len(old.records) else None
            for k in range(i1 + 1, i2 + 1):  # the old records of the stretch go one by one
                chain.add(placed, k, at_end)
            for k in range(j1 + 1, j2 + 1):  # then the new ones come one by one
                chain.add(new.records[:k], i2)
        if len(chain.steps) > MAX_STEPS:
            return None
    if not chain.steps:
        return None
    return [*chain.steps[:-1], new]


def _line(records: Sequence[RawRecord], index: int) -> int | None:
    return records[index].line if index < len(records) else None
