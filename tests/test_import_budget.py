"""The import budget: what each fast path of `rapport` may not import.

Heavy libraries are imported lazily, on the paths that use them: matplotlib
(340–560 ms) only to draw charts, pandoc's wrapper, typst and pikepdf (the PDF's row
headers) only to convert, and a remembered check or an up-to-date build not even YAML, pydantic or Jinja.
One table, each row a command run in a fresh interpreter through the console
script's own path (cli.entry); this is the one place in the tests that looks at
sys.modules.
"""
from __future__ import annotations

import pytest

from cliprobe import fresh_run

RENDERING = {"matplotlib", "pypandoc", "typst", "pikepdf"}
LOADING = {"yaml", "pydantic", "pydantic_core", "jinja2"}
# `rapport import` and its Excel reader: never on the checking path.
IMPORTING = {"openpyxl", "regionrapport.importing", "regionrapport.commands.import_", "regionrapport.model.mapping"}
# The Excel workbook's writer (render/xlsx.py): only a build that asks for xlsx.
XLSX = {"openpyxl", "regionrapport.render.xlsx"}
REPORT = "delar-mars-2025"

BUDGET = [
    # (what, commands run first, the command measured, modules it may not import, stderr must say)
    ("check", [], ["check", "--no-cache", "--all"], RENDERING | IMPORTING | XLSX | {"importlib.metadata"}, "0 fel"),
    ("remembered check", [["check", "--all"]], ["check", "--all"], RENDERING | LOADING | {"importlib.metadata"},
     "2 oförändrade sedan förra kontrollen"),
    ("markdown build", [], ["build", REPORT, "--format", "md", "--force"], RENDERING | XLSX, ""),
    ("up-to-date build", [["build", REPORT, "--format", "md"]], ["build", REPORT, "--format", "md"],
     RENDERING | LOADING | {"rich"}, "oförändrad"),
]


@pytest.mark.parametrize("what, first, command, forbidden, says", BUDGET, ids=[b[0] for b in BUDGET])
def test_import_budget(project_copy, what, first, command, forbidden, says):
    for args in first:
        assert "EXIT 0" in fresh_run(project_copy, args, "").stdout.splitlines()
    probe = f"print('LOADED', sorted(m for m in {sorted(forbidden)!r} if m in sys.modules))"
    r = fresh_run(project_copy, command, probe)
    assert r.stdout.splitlines()[-2:] == ["EXIT 0", "LOADED []"], (r.stdout, r.stderr)
    assert says in r.stderr + r.stdout
