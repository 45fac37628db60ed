"""`rapport build` for one report or all of them: the cache decides what needs building,
a pool of processes builds it, a reporter tells the user as each report finishes.

Processes, not threads: a build is Python work (validation, derivation, Jinja) plus
pandoc and typst, and the Python part holds the GIL. Reports are independent; each
writes its own out/REPORT/ and its own cache stamp, so workers share nothing.
The freshness check runs first, in this process, on hashes alone: when nothing
changed, no worker starts and nothing heavy is imported.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import render_text, visible
from ..constants import DEFAULT_FORMATS, FORMATS
from .cache import replayed_warnings, stale_reason

if TYPE_CHECKING:
    from .slots import SharedSlots, Slots

BUILT, SKIPPED, FAILED = "built", "skipped", "failed"


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may use (containers, taskset)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass
class Outcome:
    """What happened to one report; plain data so that it crosses the process boundary."""

    report_id: str
    status: str  # built | skipped | failed
    outputs: list[str] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # Diagnostic
    errors: list = field(default_factory=list)  # Diagnostic
    seconds: float = 0.0
    reason: str = ""  # why it was built (or "" when skipped)
    crash: str = ""  # an unexpected exception's traceback: a bug, not bad input
    blocked: bool = False  # the outputs could not be written (OutputProblem): exit 2, not 1


@dataclass
class Summary:
    outcomes: list[Outcome]
    seconds: float
    jobs: int

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> bool:
        return any(o.status == FAILED for o in self.outcomes)

    @property
    def crashed(self) -> bool:
        return any(o.crash for o in self.outcomes)

    @property
    def blocked(self) -> bool:
        return any(o.blocked for o in self.outcomes)


# -- one report, in whichever process ------------------------------------------
# Set by run() for the length of one run and cleared when it ends; forked workers inherit
# them. A project kept from an earlier run would build an edited organisation.yaml's
# reports from the old one, while the stamps (keyed on the files' content) called them
# up to date: one run, one load.
_PROJECT = None  # the validated project of the current run
_SLOTS: Slots | SharedSlots | None = None  # commands.slots: the -j N slots, shared with forked workers


def _project(root: Path):
    if _PROJECT is not None and Path(_PROJECT.root) == Path(root).resolve():
        return _PROJECT
    from ..project import load_project

    return load_project(root)  # outside a run (a direct call): loaded for this build only


def _worker_started() -> None:
    """In each forked worker: the console script turns the cyclic collector off for a
    command's short, mostly acyclic work (_startup.prepare), and a fork inherits that. A
    worker builds report after report, and each chart drawn leaves matplotlib's reference
    cycles behind, so without the collector a worker grew from 99 to 279 MB over 15
    reports (45 charts); with it, from 95 to 104 MB (benchmarks/worker_memory.py)."""
    import gc

    gc.enable()


def build_one(root: Path, report_id: str, formats: tuple, out_root: Path, strict: bool, reason: str) -> Outcome:
    from ..diagnostics import OutputProblem, ReportError
    from .build import cached_build

    t0 = time.perf_counter()
    slots = _SLOTS
    if slots is not None:
        slots.acquire()  # this report's own slot, held for its whole build
    try:
        # The caller has already found the report stale: build without asking the cache again.
        res = cached_build(_project(root), report_id, formats, out_root, strict, force=True, slots=slots)
    except ReportError as e:
        return Outcome(report_id, FAILED, errors=list(e.diagnostics), seconds=time.perf_counter() - t0, reason=reason,
                       blocked=isinstance(e, OutputProblem))
    except Exception:  # noqa: BLE001 - one report's bug must not hide the others' results
        return Outcome(report_id, FAILED, seconds=time.perf_counter() - t0, reason=reason,
                       crash=traceback.format_exc())
    finally:
        if slots is not None:
            slots.release()
    return Outcome(report_id, BUILT, [str(p) for p in res.outputs], list(res.warnings), [],
                   time.perf_counter() - t0, reason)


# -- many reports --------------------------------------------------------------
def run(root: Path, report_ids: list[str], formats=DEFAULT_FORMATS, out_root: Path | None = None, strict: bool = False,
        force: bool = False, jobs: int | None = None, reporter=None) -> Summary:
    """Build the stale reports among `report_ids`, `jobs` at a time; report each as it finishes.

    Raises ReportError when the project itself (organisation.yaml) cannot be loaded.
    """
    t0 = time.perf_counter()
    root = Path(root)
    formats = tuple(f for f in FORMATS if f in formats)
    out_root = Path(out_root) if out_root else root / "out"
    reporter = reporter or PlainReporter()
    outcomes: list[Outcome] = []
    todo: list[tuple[str, str]] = []
    for rid in dict.fromkeys(report_ids):
        reason = "--force" if force else stale_reason(root, out_root, rid, formats)
        if reason is not None:
            todo.append((rid, reason))
            continue
        warnings = replayed_warnings(out_root, rid)
        # --strict fails on warnings, whether or not the build runs again.
        o = Outcome(rid, FAILED, errors=warnings) if strict and warnings else Outcome(rid, SKIPPED, warnings=warnings)
        outcomes.append(o)
        reporter.done(o)

    global _SLOTS, _PROJECT
    jobs = max(1, jobs or default_jobs())  # slots: conversions at once (commands/slots.py)
    workers = min(jobs, len(todo) or 1)  # reports at once: each holds a slot
    try:
        if todo:
            _build(root, todo, formats, out_root, strict, jobs, workers, reporter, outcomes)
    finally:
        _SLOTS = _PROJECT = None  # this run's; a later call in the same process makes its own
    order = {rid: i for i, rid in enumerate(report_ids)}
    outcomes.sort(key=lambda o: order.get(o.report_id, 0))
    summary = Summary(outcomes, time.perf_counter() - t0, jobs)
    reporter.finish(summary)
    return summary


def _build(root: Path, todo, formats, out_root: Path, strict: bool, jobs: int, workers: int, reporter,
           outcomes: list) -> None:
    global _SLOTS, _PROJECT
    from ..project import load_project

    # Validate organisation.yaml once per run, here; forked workers inherit the result.
    _PROJECT = load_project(root)
    if workers == 1:
        from .slots import Slots

        _SLOTS = Slots(jobs)
        reporter.start(len(todo))
        for rid, reason in todo:
            reporter.building(rid)
            o = build_one(root, rid, formats, out_root, strict, reason)
            outcomes.append(o)
            reporter.done(o)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        # fork shares the loaded modules and project with the workers (no second import);
        # every task is submitted before the reporter starts its display thread.
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        if ctx is not None:
            from .slots import SharedSlots

            _SLOTS = SharedSlots(jobs, ctx)  # inherited by the workers as they are forked
        else:  # pragma: no cover - no fork (not Linux): spawned workers cannot share the
            _SLOTS = None  # slots, and each overlaps its own conversions as without -j
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_started) as pool:
            futures = {pool.submit(build_one, root, rid, formats, out_root, strict, reason): rid
                       for rid, reason in todo}
            reporter.start(len(todo))
            for fut in as_completed(futures):
                try:
                    o = fut.result()
                except Exception:  # noqa: BLE001 - a worker died (killed, out of memory)
                    o = Outcome(futures[fut], FAILED, crash=traceback.format_exc())
                outcomes.append(o)
                reporter.done(o)


# -- telling the user ------------------------------------------------------------
def _line(o: Outcome) -> str:
    if o.status == BUILT:
        return f"{o.report_id}: {', '.join(o.outputs)} ({o.seconds:.1f} s)"
    if o.status == SKIPPED:
        return f"{o.report_id}: oförändrad sedan förra bygget, byggs inte om (--force bygger ändå)"
    if o.crash:
        return f"{o.report_id}: internt fel, inget skrevs"
    return f"{o.report_id}: inget skrevs ({len(o.errors)} problem)"


def summary_line(s: Summary) -> str:
    built, skipped, failed = s.count(BUILT), s.count(SKIPPED), s.count(FAILED)
    par = f", {s.jobs} parallellt" if s.jobs > 1 else ""
    return f"{built} byggda, {skipped} oförändrade, {failed} misslyckade på {s.seconds:.1f} s{par}."


class PlainReporter:
    """One log line per report as it finishes: for logs, CI, NO_COLOR and pipes."""

    def __init__(self, out=None, err=None, color: bool = False):
        self.out, self.err, self.color = out or sys.stdout, err or sys.stderr, color

    def start(self, total: int) -> None:
        pass

    def building(self, report_id: str) -> None:
        pass

    def done(self, o: Outcome) -> None:
        if o.warnings:
            print(render_text(o.warnings, color=self.color), file=self.err)
        if o.errors:
            print(render_text(o.errors, color=self.color), file=self.err)
        if o.crash:
            print(visible(o.crash.rstrip()), file=self.err)
        print(_line(o), file=self.out if o.status != FAILED else self.err, flush=True)

    def finish(self, s: Summary) -> None:
        if len(s.outcomes) > 1 or s.failed:
            print(summary_line(s), file=self.err, flush=True)


class RichReporter(PlainReporter):
    """A progress bar on the terminal, with each finished report printed above it."""

    def __init__(self):
        super().__init__(color=True)
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.progress = None
        self.task = None

    def start(self, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(SpinnerColumn(), TextColumn("Bygger"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=self.console, transient=True)
        self.progress.start()
        self.task = self.progress.add_task("bygger", total=total)

    def done(self, o: Outcome) -> None:
        from rich.text import Text

        c = self.console
        for diags in (o.warnings, o.errors):
            if diags:
                c.print(Text.from_ansi(render_text(diags, color=True)))
        if o.crash:
            c.print(Text(visible(o.crash.rstrip()), style="red"))
        style = {BUILT: "green", SKIPPED: "dim", FAILED: "bold red"}[o.status]
        c.print(Text(_line(o), style=style), soft_wrap=True)
        if self.progress is not None:  # started: every report from here on was built, not skipped
            self.progress.advance(self.task)

    def finish(self, s: Summary) -> None:
        from rich.text import Text

        if self.progress is not None:
            self.progress.stop()
        if len(s.outcomes) > 1 or s.failed:
            self.console.print(Text(summary_line(s), style="bold"))
