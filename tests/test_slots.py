"""`-j N` counts conversions as make counts recipes: with one slot a build runs pandoc and
typst one after another; with a second free slot its DOCX runs beside its PDF path."""
from __future__ import annotations

import multiprocessing
import threading

import pytest

from regionrapport.commands import build_all
from regionrapport.commands.slots import SharedSlots, Slots
from regionrapport.render import pandoc as P

REPORT = "delar-mars-2025"


@pytest.fixture
def conversions(monkeypatch):
    """Record how many conversions (pandoc processes, typst compiles) run at once."""
    state = {"now": 0, "most": 0, "order": []}
    lock = threading.Lock()

    def begin(what):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
            state["order"].append(("start", what))

    def end(what):
        with lock:
            state["now"] -= 1
            state["order"].append(("end", what))

    start_pandoc, finish, compile_pdf = P.start_pandoc, P.finish, P.compile_pdf

    def start(md_file, to, *a, **k):
        begin(to)
        proc = start_pandoc(md_file, to, *a, **k)
        proc.what = to
        return proc

    def done(proc, what):
        try:
            finish(proc, what)
        finally:
            end(proc.what)

    def compile_(*a, **k):
        begin("pdf")
        try:
            return compile_pdf(*a, **k)
        finally:
            end("pdf")

    monkeypatch.setattr(P, "start_pandoc", start)
    monkeypatch.setattr(P, "finish", done)
    monkeypatch.setattr(P, "compile_pdf", compile_)
    return state


def test_one_slot_runs_the_conversions_one_after_another(project_copy, conversions):
    summary = build_all.run(project_copy, [REPORT], jobs=1, force=True)
    assert [o.status for o in summary.outcomes] == ["built"]
    assert conversions["most"] == 1
    # Each conversion ends before the next starts: typst source, DOCX, PDF.
    assert conversions["order"] == [("start", "typst"), ("end", "typst"), ("start", "docx"), ("end", "docx"),
                                    ("start", "pdf"), ("end", "pdf")]
    for fmt in ("md", "docx", "pdf"):
        assert (project_copy / "out" / REPORT / f"{REPORT}.{fmt}").stat().st_size > 0


def test_a_second_slot_overlaps_docx_with_the_pdf_path(project_copy, conversions):
    summary = build_all.run(project_copy, [REPORT], jobs=2, force=True)
    assert [o.status for o in summary.outcomes] == ["built"]
    assert conversions["most"] == 2
    assert conversions["order"].index(("start", "docx")) < conversions["order"].index(("end", "typst"))


def test_one_format_needs_no_second_slot(project_copy, conversions):
    build_all.run(project_copy, [REPORT], formats=("md", "docx"), jobs=4, force=True)
    assert conversions["order"] == [("start", "docx"), ("end", "docx")]


def test_slots_count_what_is_held():
    s = Slots(2)
    s.acquire()  # a report's own slot
    assert s.try_acquire()  # the second: free
    assert not s.try_acquire()  # none left
    s.release()
    assert s.try_acquire()

    shared = SharedSlots(2, multiprocessing.get_context("fork"))
    shared.acquire()
    shared.acquire()  # two reports building: no slot for either to overlap
    assert not shared.try_acquire()
    shared.release()  # one finished: the other may now overlap
    assert shared.try_acquire()
