"""The format is a promise: today's files keep working, or `rapport migrate` rewrites them.

tests/fixtures/format-0.1.0/ is the example project's data and organisation.yaml as they
stood on main when migrate was added. They must still check without errors, build to the
same Markdown (tests/golden/reports/format-0.1.0/), and need no migration. The one old
form that today's models refuse, a table's `kommentarer: true` flag (removed in 41011dd,
"the unused Table.kommentarer flag"), is rewritten by the step `tabell-kommentarer`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from regionrapport.commands import migrate as M
from regionrapport.commands.check import check_report
from regionrapport.diagnostics import ReportError
from regionrapport.project import load_project
from regionrapport.render.markdown import render_markdown

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "format-0.1.0"
REPORT = "delar-mars-2025"


def rapport(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "CI": "1", "NO_COLOR": "1"})


@pytest.fixture
def old_project(tmp_path) -> Path:
    dst = tmp_path / "gammal"
    shutil.copytree(FIXTURE, dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- today's files keep working ------------------------------------------------------------------
@pytest.mark.parametrize("report_id", ["delar-mars-2025", "budget-2025"])
def test_fixture_still_checks_and_builds_the_same(report_id, golden):
    report, diags = check_report(load_project(FIXTURE), report_id)
    assert report is not None and not [d for d in diags if d.severity == "error"], diags
    golden(f"reports/format-0.1.0/{report_id}.md", render_markdown(report))


def test_migrate_is_a_no_op_on_todays_files(old_project):
    before = {p: p.read_bytes() for p in old_project.rglob("*") if p.is_file()}
    assert M.migrate(old_project) == []
    r = rapport("migrate", "--write", cwd=old_project)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and "Inget att migrera" in r.stderr
    assert {p: p.read_bytes() for p in old_project.rglob("*") if p.is_file()} == before


def test_every_step_says_what_it_migrates():
    ids = [s.id for s in M.STEPS]
    assert len(ids) == len(set(ids))
    for s in M.STEPS:
        assert s.old and s.new and s.since and set(s.files) <= set(M.FILE_KINDS)
    doc = (Path(__file__).resolve().parent.parent / "docs" / "yaml-format.md").read_text(encoding="utf-8")
    assert all(f"`{s.id}`" in doc for s in M.STEPS)  # each step documented


# -- the old form: a table's comment-column flag -----------------------------------------------------
OLD_FLAG_BLOCK = "    rubrik: Investeringsprojekt – totala kostnader och årets investeringar\n"
OLD_FLAG_FLOW = "    rubrik: Sjukfrånvarodagar per snittanställd\n"


@pytest.fixture
def with_old_form(old_project) -> Path:
    f = old_project / "data" / "outcomes" / f"{REPORT}.yaml"
    _edit(f, OLD_FLAG_BLOCK, OLD_FLAG_BLOCK + "    kommentarer: true   # visa kommentarerna\n")
    _edit(f, OLD_FLAG_FLOW, OLD_FLAG_FLOW + "    kommentarer: true\n")
    _edit(f, "    rubrik: Resultat per nämnd\n", "    rubrik: Resultat per nämnd\n    kommentarer: false\n")
    return old_project


def test_check_points_to_migrate(with_old_form):
    r = rapport("check", REPORT, "--no-cache", cwd=with_old_form)
    assert r.returncode == 1
    assert "RR010 Okänd nyckel 'kommentarer' i tabeller.investeringsprojekt." in r.stdout
    assert "'rapport migrate --write' skriver om den (steget tabell-kommentarer" in r.stdout


def test_dry_run_shows_a_diff_and_writes_nothing(with_old_form):
    f = with_old_form / "data" / "outcomes" / f"{REPORT}.yaml"
    before = f.read_bytes()
    r = rapport("migrate", cwd=with_old_form)
    assert r.returncode == 0, r.stderr
    assert f.read_bytes() == before
    assert r.stdout.startswith(f"--- a/data/outcomes/{REPORT}.yaml\n+++ b/data/outcomes/{REPORT}.yaml\n")
    removed = [x for x in r.stdout.splitlines() if x.startswith("-") and not x.startswith("---")]
    added = [x for x in r.stdout.splitlines() if x.startswith("+") and not x.startswith("+++")]
    assert sorted(removed) == sorted(["-    kommentarer: true   # visa kommentarerna", "-    kommentarer: true",
                                      "-    kolumner: [dagar_per_anstalld, dagar_per_anstalld_fg_ar]",
                                      "-    kommentarer: false"])
    assert sorted(added) == sorted(["+    kolumner: [dagar_per_anstalld, dagar_per_anstalld_fg_ar, kommentar]",
                                    "+      - kommentar"])
    assert "skulle ändras" in r.stderr and "tabell-kommentarer" in r.stderr


def test_write_rewrites_only_the_old_form_and_the_report_checks(with_old_form, old_project):
    f = with_old_form / "data" / "outcomes" / f"{REPORT}.yaml"
    r = rapport("migrate", "--write", cwd=with_old_form)
    assert r.returncode == 0, r.stderr
    new = f.read_text(encoding="utf-8")
    original = (FIXTURE / "data" / "outcomes" / f"{REPORT}.yaml").read_text(encoding="utf-8")
    # everything else is as it was: comments, order, blank lines
    assert new.replace(", kommentar]", "]").replace("      - kommentar\n", "") == original
    assert "      - {kolumn: prognos, rubrik: \"Årets prognos\"}\n      - kommentar\n    visa_varav: false\n" in new
    r = rapport("check", REPORT, "--no-cache", cwd=with_old_form)
    assert r.returncode == 0, r.stdout
    # the flag meant a comment column: the projects' comments are shown in it
    out = rapport("build", REPORT, "--format", "md", cwd=with_old_form)
    assert out.returncode == 0, out.stderr
    md = (with_old_form / "out" / REPORT / f"{REPORT}.md").read_text(encoding="utf-8")
    header = next(x for x in md.splitlines() if x.startswith("|") and "Årets prognos" in x)
    assert header.rstrip(" |").endswith("Kommentar")
    # a second run has nothing left to do
    assert M.migrate(with_old_form) == []


def test_old_form_inside_a_flow_mapping_is_refused_with_its_line(old_project):
    f = old_project / "data" / "outcomes" / f"{REPORT}.yaml"
    _edit(f, "  investeringsprojekt:\n    rubrik: Investeringsprojekt – totala kostnader och årets investeringar\n",
          "  prov: {rubrik: Prov, kolumner: [utfall], rader: [hsn], kommentarer: true}\n"
          "  investeringsprojekt:\n    rubrik: Investeringsprojekt – totala kostnader och årets investeringar\n")
    before = f.read_bytes()
    with pytest.raises(ReportError) as e:
        M.migrate(old_project)
    (d,) = e.value.diagnostics
    assert d.code == "RR570" and d.file == f"data/outcomes/{REPORT}.yaml"
    assert f.read_text(encoding="utf-8").splitlines()[d.line - 1].startswith("  prov: {")
    assert "'kommentar' in tabeller.<id>.kolumner" in d.hint
    r = rapport("migrate", "--write", cwd=old_project)
    assert r.returncode == 1 and "RR570" in r.stderr
    assert f.read_bytes() == before


# -- the framework, with a step made for the test ------------------------------------------------------
def _rename_namn_to_titel(doc: M.Lines) -> int:
    """A made-up step: the budget's top-level `namn` was renamed `titel`."""
    if not isinstance(doc.data, dict) or "namn" not in doc.data:
        return 0
    i = doc.own_line(("namn",))
    line = doc.lines[i]
    doc.replace(i, line.replace("namn:", "titel:", 1).rstrip("\r\n"))
    return 1


def test_a_step_runs_on_its_kind_of_file_only_and_in_order(old_project):
    budget = old_project / "data" / "budget" / "budget-2025.yaml"
    text = budget.read_text(encoding="utf-8")
    budget.write_text(text.replace("titel:", "namn:", 1), encoding="utf-8")
    step = M.Step("prov-namn", since="9.9.9", files=("budget",), old="namn", new="titel", apply=_rename_namn_to_titel)
    changes = M.migrate(old_project, steps=[*M.STEPS, step])
    assert [(c.name, c.steps) for c in changes] == [("data/budget/budget-2025.yaml", [("prov-namn", 1)])]
    assert changes[0].new == text
    M.write(changes)
    assert budget.read_text(encoding="utf-8") == text
    assert M.migrate(old_project, steps=[*M.STEPS, step]) == []


def test_refusal_line_does_not_depend_on_the_file_name():
    """The refused line is carried by the refusal itself, not read back out of a message
    that starts with the file name (a name may hold ':9:' or ': ')."""
    text = ("tabeller:\n"
            "  prov: {rubrik: Prov, kolumner: [utfall], rader: [hsn], kommentarer: true}\n")
    name = "data/budget/a:9: b.yaml"
    with pytest.raises(ReportError) as e:
        M.migrate_text(text, name, "budget")
    (d,) = e.value.diagnostics
    assert d.code == "RR570" and d.file == name and d.line == 2
    assert "a:9" not in d.message and "'kommentarer' står inte på en egen rad" in d.message


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_endings_a_missing_final_newline_and_comments_are_kept(newline):
    """The line handling migrate shares with `rapport import` (importing/yamledit.YamlLines):
    added lines end like the file's, a last line without an ending gets one before a line is
    appended after it, and a comment on an edited key's line stays."""
    nl = newline
    text = (f"tabeller:{nl}  a:{nl}    kommentarer: true   # visa{nl}    \"kolumner\": [utfall, budget]  # två{nl}"
            f"  b:{nl}    kommentarer: true{nl}    kolumner:{nl}      - utfall{nl}      - budget")
    new, done = M.migrate_text(text, "data/budget/b.yaml", "budget")
    assert done == [("tabell-kommentarer", 2)]
    assert new == (f"tabeller:{nl}  a:{nl}    \"kolumner\": [utfall, budget, kommentar]  # två{nl}"
                   f"  b:{nl}    kolumner:{nl}      - utfall{nl}      - budget{nl}      - kommentar{nl}")
