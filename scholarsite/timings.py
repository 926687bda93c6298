"""Where a build's time goes: the wall and CPU seconds of each of its stages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class StageTime:
    stage: str
    wall: float
    cpu: float  # of the building process alone: the render workers' CPU is not in it


class Stopwatch:
    """Collects :class:`StageTime` records; stages may nest (pages hold what is made meanwhile)."""

    def __init__(self) -> None:
        self.stages: list[StageTime] = []

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.stages.append(
                StageTime(name, time.perf_counter() - wall, time.process_time() - cpu)
            )
