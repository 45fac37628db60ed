"""A clean `rapport check` is remembered: an unchanged report is not checked again.

The stamp lists the content hashes of what the check read (commands/cache.py); any
change to them, a new template or another tool version checks afresh. A check with
errors is never remembered, so the run after an edit always checks.
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from cliprobe import fresh_run

from regionrapport.cli import main

REPORT = "delar-mars-2025"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"


def check(root: Path, *args: str):
    return CliRunner().invoke(main, ["check", "--project", str(root), *args])


def stamp(root: Path, rid: str = REPORT) -> Path:
    return root / "out" / ".rapport-cache" / "check" / f"{rid}.json"


def edit(root: Path, old: str, new: str, rel: str = OUTCOMES) -> None:
    f = root / rel
    text = f.read_text(encoding="utf-8")
    assert old in text, f"the example no longer contains {old!r}"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_report_is_remembered_and_an_edit_checks_again(project_copy):
    first = check(project_copy, REPORT)
    assert first.exit_code == 0, first.output
    assert "oförändrad" not in first.stderr
    inputs = json.loads(stamp(project_copy).read_text(encoding="utf-8"))["inputs"]
    assert {"organisation.yaml", OUTCOMES, "data/budget/budget-2025.yaml"} <= set(inputs)

    again = check(project_copy, REPORT)
    assert again.exit_code == 0
    assert "1 rapport(er) kontrollerade: 0 fel, 0 varningar (1 oförändrad sedan förra kontrollen" in again.stderr

    # A broken reference in the budget file, which the outcomes file only names: found at once.
    budget = "data/budget/budget-2025.yaml"
    edit(project_copy, "[vardval_primarvard, vardval_bup, tandvard]", "[vardval_primarvard, vardval_bupp, tandvard]", budget)
    broken = check(project_copy, REPORT)
    assert broken.exit_code == 1 and "vardval_bupp" in broken.stdout, broken.output
    assert "oförändrad" not in broken.stderr
    # Errors are not remembered: the same mistake is found again, by a real check.
    assert check(project_copy, REPORT).exit_code == 1

    edit(project_copy, "vardval_bupp", "vardval_bup", budget)
    # Back to the very bytes of the first clean check: its stamp holds again (content, not time).
    fixed = check(project_copy, REPORT)
    assert fixed.exit_code == 0 and "1 oförändrad" in fixed.stderr
    edit(project_copy, "    arsbudget: -81\n", "    arsbudget: -82\n", budget)  # a valid change: checked afresh
    changed = check(project_copy, REPORT)
    assert changed.exit_code == 0 and "oförändrad" not in changed.stderr


def test_a_new_template_or_no_cache_checks_afresh(project_copy):
    assert check(project_copy, REPORT).exit_code == 0
    written = stamp(project_copy).read_bytes()
    fresh = check(project_copy, REPORT, "--no-cache")
    assert fresh.exit_code == 0 and "oförändrad" not in fresh.stderr
    assert stamp(project_copy).read_bytes() == written  # --no-cache neither reads nor writes stamps

    (project_copy / "templates").mkdir(exist_ok=True)
    (project_copy / "templates" / "extra.md.j2").write_text("Extra\n", encoding="utf-8")
    assert "oförändrad" not in check(project_copy, REPORT).stderr
    assert "oförändrad" in check(project_copy, REPORT).stderr


def test_warnings_are_replayed_and_strict_still_fails(project_with_warning):

    first = check(project_with_warning, REPORT, "--format", "json")
    again = check(project_with_warning, REPORT, "--format", "json")
    assert first.exit_code == again.exit_code == 0
    assert [d["code"] for d in json.loads(first.stdout)] == ["RR303"]
    assert again.stdout == first.stdout  # the remembered warning, line and all
    assert check(project_with_warning, REPORT, "--strict").exit_code == 1


def test_check_neither_scans_for_nor_loads_pydantic_plugins(project_copy):
    """Looking for pydantic plugins reads every installed distribution's entry points, and
    pydantic's loader imports importlib.metadata to do it (_startup.py): ~40 ms of a check."""
    r = fresh_run(project_copy, ["check", "--no-cache", "--all"],
                  "import pydantic.plugin._loader as L\n"  # anything but get_plugins: the real module
                  "print('GROUP', L.PYDANTIC_ENTRY_POINT_GROUP, 'SCANNED', L._plugins is not None)",
                  before="os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None)")
    # that importlib.metadata is not imported at all is asserted in test_import_budget.py
    assert r.stdout.split("\n")[:2] == ["EXIT 0", "GROUP pydantic SCANNED False"], (r.stdout, r.stderr)


def test_plugins_named_by_the_environment_are_left_to_pydantic(project_copy):
    r = fresh_run(project_copy, ["check", "--no-cache", "--all"],
                  "import pydantic.plugin._loader as L\n"
                  "print('REAL', type(L).__name__ == 'module', 'SCANNED', L._plugins is not None)",
                  before="os.environ['PYDANTIC_DISABLE_PLUGINS'] = 'some_plugin'")
    assert r.stdout.split("\n")[:2] == ["EXIT 0", "REAL True SCANNED True"], (r.stdout, r.stderr)


def test_check_all_after_one_edit_checks_only_that_report(project_copy):
    assert check(project_copy, "--all").exit_code == 0
    edit(project_copy, "    utfall: -1048\n", "    utfal: -1048\n")  # delar-mars-2025 only
    r = check(project_copy, "--all")
    assert r.exit_code == 1 and "RR010" in r.stdout
    # budget-2025 is replayed; delar-mars-2025 is checked and its error found.
    assert "2 rapport(er) kontrollerade: 1 fel, 0 varningar (1 oförändrad sedan förra kontrollen" in r.stderr
