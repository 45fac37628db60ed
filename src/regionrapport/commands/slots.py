"""`-j N`: at most N conversions at once, counted the way `make -j N` counts recipes.

A build is Python work followed by three conversions (pandoc -> docx, pandoc -> typst,
typst compile). Each report being built holds one slot for its whole build and runs
its conversions one after another; it runs the DOCX beside the PDF path only when it
can take a second, free slot. So:

- `rapport build R` (default `-j` = the cores) overlaps the DOCX and PDF paths;
- `-j 1` runs one thing at a time: one core, as on a shared CI runner;
- `--all -j 2` with many reports builds two at a time, each serially, and a report
  left alone at the end takes the slot the finished one gave back.

Before this, each of N parallel reports also overlapped its own conversions, so
`-j 1` used ~1.7 cores and `-j 2` ran up to four processes on two.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext


class Slots:
    """N slots in one process (the in-process build path)."""

    def __init__(self, n: int):
        self.free = max(1, n)

    def acquire(self) -> None:
        # One caller at a time in a single process: a report's own slot is always there.
        self.free -= 1

    def try_acquire(self) -> bool:
        if self.free > 0:
            self.free -= 1
            return True
        return False

    def release(self) -> None:
        self.free += 1


class SharedSlots:
    """N slots shared by forked worker processes (a multiprocessing semaphore)."""

    def __init__(self, n: int, ctx: BaseContext):
        self._sem = ctx.BoundedSemaphore(max(1, n))

    def acquire(self) -> None:
        self._sem.acquire()

    def try_acquire(self) -> bool:
        return self._sem.acquire(block=False)

    def release(self) -> None:
        self._sem.release()
