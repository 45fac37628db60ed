"""`rapport build --all`: several reports in parallel processes, plain log lines off a terminal."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

COPIES = ("delar-mars-2025-a", "delar-mars-2025-b", "delar-mars-2025-c")


def rapport(*args, cwd: Path):
    env = {**os.environ, "CI": "1"}  # no progress display: plain lines, as in a CI log
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


@pytest.fixture
def many_reports(project_copy) -> Path:
    """The example project with three more reports: copies of delar-mars-2025 under other ids."""
    outcomes = project_copy / "data" / "outcomes"
    for rid in COPIES:
        shutil.copy(outcomes / "delar-mars-2025.yaml", outcomes / f"{rid}.yaml")
    return project_copy


def ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "data" / "outcomes").glob("*.yaml"))


def test_build_all_in_parallel_then_skip(many_reports):
    r = rapport("build", "--all", "-j", "3", "--format", "md,docx", cwd=many_reports)
    assert r.returncode == 0, r.stderr
    for rid in ids(many_reports):
        for fmt in ("md", "docx"):
            assert (many_reports / "out" / rid / f"{rid}.{fmt}").stat().st_size > 0
    # Copies of one report built in different processes give identical documents.
    first = (many_reports / "out" / "delar-mars-2025" / "delar-mars-2025.md").read_bytes()
    for rid in COPIES:
        assert (many_reports / "out" / rid / f"{rid}.md").read_bytes() == first
    # One plain line per report, and the summary, with no terminal control codes.
    assert sorted(line.split(":")[0] for line in r.stdout.splitlines()) == ids(many_reports)
    assert "\x1b[" not in r.stdout + r.stderr
    assert f"{len(ids(many_reports))} byggda, 0 oförändrade, 0 misslyckade" in r.stderr
    assert "3 parallellt" in r.stderr

    again = rapport("build", "--all", "-j", "3", "--format", "md,docx", cwd=many_reports)
    assert again.returncode == 0, again.stderr
    assert f"0 byggda, {len(ids(many_reports))} oförändrade, 0 misslyckade" in again.stderr
    assert all("oförändrad" in line for line in again.stdout.splitlines())


def test_one_broken_report_fails_alone(many_reports):
    broken = many_reports / "data" / "outcomes" / "delar-mars-2025-b.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("    utfall: -1048", "    utfal: -1048", 1),
                      encoding="utf-8")
    r = rapport("build", "--all", "-j", "2", "--format", "md", cwd=many_reports)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "delar-mars-2025-b.yaml" in r.stderr and "RR010" in r.stderr
    assert "delar-mars-2025-b: inget skrevs" in r.stderr
    assert not (many_reports / "out" / "delar-mars-2025-b").exists()
    n = len(ids(many_reports))
    assert f"{n - 1} byggda, 0 oförändrade, 1 misslyckade" in r.stderr
    for rid in ("delar-mars-2025", "delar-mars-2025-a", "delar-mars-2025-c"):
        assert (many_reports / "out" / rid / f"{rid}.md").is_file()


def test_only_the_changed_report_is_rebuilt(many_reports):
    assert rapport("build", "--all", "--format", "md", cwd=many_reports).returncode == 0
    f = many_reports / "data" / "outcomes" / "delar-mars-2025-c.yaml"
    # HSN's units then give −1 354 and −1 355: its printed deviation 36 still holds (−1 354 + 1 390).
    f.write_text(f.read_text(encoding="utf-8").replace("    utfall: -1048", "    utfall: -1049", 1), encoding="utf-8")
    r = rapport("build", "--all", "--format", "md", "--force", cwd=many_reports)
    assert f"{len(ids(many_reports))} byggda" in r.stderr  # --force rebuilds everything
    f.write_text(f.read_text(encoding="utf-8").replace("    utfall: -1049", "    utfall: -1050", 1), encoding="utf-8")
    r = rapport("build", "--all", "--format", "md", cwd=many_reports)
    assert r.returncode == 0, r.stderr
    built = [line.split(":")[0] for line in r.stdout.splitlines() if "oförändrad" not in line]
    assert built == ["delar-mars-2025-c"]
    assert f"1 byggda, {len(ids(many_reports)) - 1} oförändrade, 0 misslyckade" in r.stderr


def test_usage_errors(project_copy):
    r = rapport("build", cwd=project_copy)
    assert r.returncode == 2 and "--all" in r.stderr
    r = rapport("build", "--all", "-j", "0", cwd=project_copy)
    assert r.returncode == 2


def ci_commands() -> list[list[str]]:
    """Every `rapport ...` command line in the CI workflow and the pre-commit hook."""
    import re
    import shlex

    import yaml

    root = Path(__file__).resolve().parent.parent
    workflow = yaml.safe_load((root / ".github" / "workflows" / "rapport.yml").read_text(encoding="utf-8"))
    lines = [s["run"] for s in workflow["jobs"]["rapport"]["steps"] if "run" in s]
    lines += [h["entry"] for h in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))]
    out = []
    for block in lines:
        for line in block.splitlines():
            line = re.split(r"\s(?:>|\|\||&&)\s", line.strip())[0]
            if line.startswith("rapport "):
                out.append(shlex.split(line.replace("${{ github.base_ref }}", "main"))[1:])
    return out


def test_ci_recipe_uses_commands_and_options_that_exist():
    from regionrapport.cli import main

    commands = ci_commands()
    assert {c[0] for c in commands} == {"check", "build", "diff"}
    for args in commands:
        cmd = main.commands[args[0]]
        cmd.make_context(args[0], args[1:])  # raises on an unknown option or a bad choice
