"""The rule corpus: every file in cases/ patches a copy of the example project and
says which diagnostics `rapport check` must give, by code, file and line.

A case file holds:

    description: what the case shows
    report: delar-mars-2025          # the report to check (default)
    projekt: examples/region-norrby  # optional: patch a copy of this example project instead
    patch:                           # applied in order to the copied project
      - file: data/outcomes/delar-mars-2025.yaml
        replace: "text"              # must occur exactly once (or give occurrence: N)
        with: "new text"
      - {file: ..., write: "whole new content"}
      - {file: ..., pad_to_bytes: 2200000}            # appended comment lines
      - {file: ..., append_nested: {prefix: "x: ", depth: 5000}}
    expect:                          # [] for a passing case
      - code: RR010
        file: data/outcomes/delar-mars-2025.yaml
        at: "utfal: -1048"           # the line where this text (unique in the patched file) starts
        # or line: 1
        message: "substring"         # optional; {line:TEXT} is replaced by TEXT's line number
        hint: "substring"            # optional, same placeholders
        severity: warning            # optional, default error
    exact: true                      # default: no diagnostic beyond the expected ones

Besides these expectations, each case's whole output (every message and hint,
as `rapport check` prints it) is compared with tests/golden/diagnostics/CASE.txt;
`make golden` rewrites those after an intended change.

Lines are found by text, not hard-coded, so that editing the example data does
not silently shift what a case asserts: a vanished anchor fails loudly instead.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from regionrapport.commands.check import check
from regionrapport.diagnostics import ReportError, render_text
from regionrapport.project import load_project

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(CASES_DIR.glob("*.yaml"))
DEFAULT_REPORT = "delar-mars-2025"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def apply_patch(root: Path, op: dict) -> None:
    f = root / op["file"]
    text = _read(f)
    if "write" in op:
        text = op["write"]
    elif "replace" in op:
        old, new = op["replace"], op["with"]
        n = text.count(old)
        nth = op.get("occurrence")
        if nth is None:
            assert n == 1, f"{op['file']}: the text to replace occurs {n} times, not once: {old!r}"
            text = text.replace(old, new)
        else:
            assert n >= nth, f"{op['file']}: fewer than {nth} occurrences of {old!r}"
            at = -1
            for _ in range(nth):
                at = text.index(old, at + 1)
            text = text[:at] + new + text[at + len(old):]
    elif "pad_to_bytes" in op:
        line = "# " + "utfyllnad " * 10 + "\n"
        text += line * (op["pad_to_bytes"] // len(line.encode()) + 1)
    elif "append_nested" in op:
        depth = op["append_nested"]["depth"]
        text += op["append_nested"]["prefix"] + "[" * depth + "]" * depth + "\n"
    else:  # pragma: no cover - a malformed case
        raise AssertionError(f"unknown patch operation: {op}")
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text, encoding="utf-8")


def line_of(root: Path, file: str, anchor: str) -> int:
    text = _read(root / file)
    n = text.count(anchor)
    assert n == 1, f"{file}: anchor {anchor!r} occurs {n} times in the patched file, not once"
    return text[:text.index(anchor)].count("\n") + 1


def fill(root: Path, file: str, template: str) -> str:
    return re.sub(r"\{line:(.+?)\}", lambda m: str(line_of(root, file, m.group(1))), template, flags=re.S)


def plain(text: str) -> str:
    """Messages separate thousands with a no-break space; cases are written with a plain one."""
    return text.replace("\u00a0", " ")


def run_check(root: Path, report: str):
    try:
        project = load_project(root)
    except ReportError as e:
        return e.diagnostics
    return check(project, [report]).diagnostics


def matches(d, e: dict, root: Path) -> bool:
    line = e["line"] if "line" in e else line_of(root, e["file"], e["at"])
    return (d.code == e["code"] and d.file == e["file"] and d.line == line
            and d.severity == e.get("severity", "error")
            and plain(fill(root, e["file"], e.get("message", ""))) in plain(d.message)
            and plain(fill(root, e["file"], e.get("hint", ""))) in plain(d.hint))


def test_corpus_is_large_enough():
    failing = [p for p in CASES if yaml.safe_load(p.read_text(encoding="utf-8"))["expect"]]
    assert len(failing) >= 40
    assert len(CASES) > len(failing), "passing cases too"


PACKAGE = Path(__file__).resolve().parents[2] / "src" / "regionrapport"


def snapshot(diags, root: Path) -> str:
    """The diagnostics as `rapport check` prints them, without this machine's paths."""
    text = render_text(diags) or "(inga diagnoser)"
    for path, name in ((root.resolve(), "<projekt>"), (root, "<projekt>"), (PACKAGE, "<paket>")):
        text = text.replace(str(path), name)
    return text + "\n"


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_case(case_file, project_copy, golden):
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    if case.get("projekt"):
        project_copy = project_copy.parent / "projekt"
        shutil.copytree(PACKAGE.parents[1] / case["projekt"], project_copy)
    for op in case["patch"]:
        apply_patch(project_copy, op)
    diags = run_check(project_copy, case.get("report", DEFAULT_REPORT))
    shown = render_text(diags) or "(inga diagnoser)"
    unmatched = list(diags)
    for e in case["expect"]:
        hit = next((d for d in unmatched if matches(d, e, project_copy)), None)
        assert hit is not None, f"{case_file.name}: expected {e}\ngot:\n{shown}"
        unmatched.remove(hit)
    if case.get("exact", True):
        assert not unmatched, f"{case_file.name}: unexpected diagnostics:\n{render_text(unmatched)}"
    for d in diags:
        assert d.message and "Traceback" not in d.message
    # the whole output too, messages and hints word for word (tests/golden/diagnostics/; make golden)
    golden(f"diagnostics/{case_file.stem}.txt", snapshot(diags, project_copy))
