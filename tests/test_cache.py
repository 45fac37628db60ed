"""Incremental builds: the cache skips only what a build would write identically."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


from regionrapport.commands import build_all
from regionrapport.commands.cache import FORMATS, stale_reason, stamp_path
from quietreporter import Quiet

REPORT = "delar-mars-2025"




def build(root: Path, *ids, formats=("md",), force=False, strict=False) -> dict:
    """Build and return {report id: status}."""
    summary = build_all.run(root, list(ids) or [REPORT], formats, None, strict, force, 1, Quiet())
    return {o.report_id: o.status for o in summary.outcomes}


def md(root: Path, rid: str = REPORT) -> str:
    return (root / "out" / rid / f"{rid}.md").read_text(encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_formats_match_the_build_command():
    from regionrapport.commands.build import FORMATS as BUILD_FORMATS

    assert FORMATS == BUILD_FORMATS


def test_second_build_is_skipped_and_keeps_the_outputs(project_copy):
    assert build(project_copy) == {REPORT: "built"}
    before = md(project_copy)
    assert build(project_copy) == {REPORT: "skipped"}
    assert md(project_copy) == before
    # The stamp lives beside the report folders, not inside them.
    assert stamp_path(project_copy / "out", REPORT).is_file()
    assert not [p for p in (project_copy / "out" / REPORT).iterdir() if "cache" in p.name or p.suffix == ".json"]


def test_touching_a_file_without_changing_it_does_not_rebuild(project_copy):
    build(project_copy)
    for f in [project_copy / "organisation.yaml", project_copy / "data" / "outcomes" / f"{REPORT}.yaml",
              project_copy / "data" / "budget" / "budget-2025.yaml"]:
        os.utime(f, (1_900_000_000, 1_900_000_000))
        f.write_bytes(f.read_bytes())  # rewritten, same content, new mtime
    assert build(project_copy) == {REPORT: "skipped"}


def test_changing_one_figure_rebuilds(project_copy):
    build(project_copy)
    assert "−1\u00a0353" in md(project_copy)  # HSN = sum of its units
    # One unit's outcome moves by 1 mnkr: within the tolerance of the printed totals above it
    # (HSN −1 354 − (−1 390) = 36, its printed deviation).
    edit(project_copy / "data" / "outcomes" / f"{REPORT}.yaml",
         "  sjukhusvard:\n    utfall: -1048", "  sjukhusvard:\n    utfall: -1049")
    assert stale_reason(project_copy, project_copy / "out", REPORT, ("md",)) == f"ändrad: data/outcomes/{REPORT}.yaml"
    assert build(project_copy) == {REPORT: "built"}
    assert "−1\u00a0354" in md(project_copy) and "−1\u00a0353" not in md(project_copy)
    assert build(project_copy) == {REPORT: "skipped"}


def test_changing_the_budget_it_follows_rebuilds(project_copy):
    build(project_copy)
    edit(project_copy / "data" / "budget" / "budget-2025.yaml", "arsbudget: -5506", "arsbudget: -5507")
    assert stale_reason(project_copy, project_copy / "out", REPORT, ("md",)) == "ändrad: data/budget/budget-2025.yaml"
    assert build(project_copy) == {REPORT: "built"}


def test_template_change_rebuilds_every_report_using_it(project_copy):
    outcomes = project_copy / "data" / "outcomes"
    shutil.copy(outcomes / f"{REPORT}.yaml", outcomes / "delar-kopia.yaml")
    assert build(project_copy, REPORT, "delar-kopia") == {REPORT: "built", "delar-kopia": "built"}
    # A new project template overriding a built-in section: both reports use it.
    from regionrapport.render.markdown import BUILTIN_TEMPLATES

    override = project_copy / "templates" / "sektioner" / "mal.md.j2"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text("MARKÖR-1\n" + (BUILTIN_TEMPLATES / "sektioner" / "mal.md.j2").read_text(encoding="utf-8"),
                        encoding="utf-8")
    assert build(project_copy, REPORT, "delar-kopia") == {REPORT: "built", "delar-kopia": "built"}
    assert "MARKÖR-1" in md(project_copy) and "MARKÖR-1" in md(project_copy, "delar-kopia")
    assert build(project_copy, REPORT, "delar-kopia") == {REPORT: "skipped", "delar-kopia": "skipped"}
    edit(override, "MARKÖR-1", "MARKÖR-2")
    assert build(project_copy, REPORT, "delar-kopia") == {REPORT: "built", "delar-kopia": "built"}
    assert "MARKÖR-2" in md(project_copy, "delar-kopia")


def test_every_file_beside_the_report_counts_as_output(project_copy):
    build(project_copy)
    from regionrapport.commands.cache import Stamp

    stamp = Stamp.read(stamp_path(project_copy / "out", REPORT))
    assert set(stamp.outputs) == {p.relative_to(project_copy / "out" / REPORT).as_posix()
                                  for p in (project_copy / "out" / REPORT).rglob("*") if p.is_file()}


def test_missing_or_edited_output_rebuilds(project_copy):
    build(project_copy)
    out = project_copy / "out" / REPORT / f"{REPORT}.md"
    out.write_text("handredigerad\n", encoding="utf-8")
    assert stale_reason(project_copy, project_copy / "out", REPORT, ("md",)) == f"utdata ändrad: {REPORT}.md"
    assert build(project_copy) == {REPORT: "built"}
    assert md(project_copy) != "handredigerad\n"
    out.unlink()
    assert build(project_copy) == {REPORT: "built"}
    assert out.is_file()


def test_force_and_other_formats_rebuild(project_copy):
    build(project_copy)
    assert build(project_copy, force=True) == {REPORT: "built"}
    assert stale_reason(project_copy, project_copy / "out", REPORT, ("md", "docx")) == "andra format än förra gången"


def test_failed_build_never_leaves_a_fresh_stamp(project_copy):
    build(project_copy)
    good = md(project_copy)
    f = project_copy / "data" / "outcomes" / f"{REPORT}.yaml"
    original = f.read_text(encoding="utf-8")
    edit(f, "  sjukhusvard:\n    utfall: -1048", "  sjukhusvard:\n    utfal: -1048")
    assert build(project_copy) == {REPORT: "failed"}
    assert build(project_copy) == {REPORT: "failed"}  # still stale: the stamp describes the old inputs
    f.write_text(original, encoding="utf-8")
    # Back to the content the outputs were built from: nothing to do.
    assert build(project_copy) == {REPORT: "skipped"}
    assert md(project_copy) == good


def test_strict_fails_on_the_warnings_of_a_skipped_build(project_copy, monkeypatch):
    from regionrapport.commands.cache import Stamp
    from regionrapport.diagnostics import Diagnostic

    build(project_copy)
    sp = stamp_path(project_copy / "out", REPORT)
    stamp = Stamp.read(sp)
    stamp.warnings = [Diagnostic("x.yaml", 1, 1, "RR999", "en varning", severity="warning").as_dict()]
    stamp.write(sp)
    summary = build_all.run(project_copy, [REPORT], ("md",), None, False, False, 1, Quiet())
    assert summary.outcomes[0].status == "skipped" and summary.outcomes[0].warnings[0].code == "RR999"
    summary = build_all.run(project_copy, [REPORT], ("md",), None, True, False, 1, Quiet())
    assert summary.outcomes[0].status == "failed" and summary.failed
