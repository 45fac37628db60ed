"""`rapport check` and `rapport build` on the command line: formats, exit codes, refusal to write.

The four mistakes of issue 4 are made in the real example's outcomes file: a
typo, a duplicate key, a wrong sum and a broken reference. Each must give one
diagnostic on the line of the mistake in every format, and no output.
"""
from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionrapport.cli import main

OUTCOMES = "data/outcomes/delar-mars-2025.yaml"

# (name, old text, new text, code, text on the line the diagnostic must point at)
MISTAKES = [
    ("typo", "  sjukhusvard:\n    utfall: -1048\n", "  sjukhusvard:\n    utfal: -1048\n", "RR010", "    utfal: -1048"),
    ("duplicate-key", "  sjukhusvard:\n    utfall: -1048\n", "  sjukhusvard:\n    utfall: -1048\n    utfall: -1084\n",
     "RR005", "    utfall: -1084"),
    ("wrong-sum", "  hsn:\n", "  hsn:\n    utfall: -1358\n", "RR202", "    utfall: -1358"),
    ("broken-reference", "      - rf\n      - {post: verksamhetens_nettokostnad, stil: summa}\n",
     "      - rff\n      - {post: verksamhetens_nettokostnad, stil: summa}\n", "RR101", "      - rff"),
]


def patch(root: Path, old: str, new: str) -> None:
    """Make the mistake (at the first place the text occurs)."""
    f = root / OUTCOMES
    text = f.read_text(encoding="utf-8")
    assert old in text, f"the example no longer contains {old!r}"
    f.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, marker: str) -> int:
    lines = (root / OUTCOMES).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if line == marker]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


def check(root: Path, *args: str):
    return CliRunner().invoke(main, ["check", "--project", str(root), *args])


def test_clean_example_exits_0_in_every_format(project_copy):
    r = check(project_copy)
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and "2 rapport(er) kontrollerade: 0 fel, 0 varningar." in r.stderr
    r = check(project_copy, "delar-mars-2025", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    r = check(project_copy, "--all", "--format", "github")
    assert r.exit_code == 0 and "::" not in r.stdout


@pytest.mark.parametrize("name,old,new,code,marker", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_one_diagnostic_on_its_line_in_every_format(project_copy, name, old, new, code, marker):
    patch(project_copy, old, new)
    line = line_of(project_copy, marker)

    text = check(project_copy, "delar-mars-2025")
    assert text.exit_code == 1, text.output
    located = re.findall(r"^(\S+):(\d+):(\d+): (RR\d{3}) ", text.stdout, re.M)
    assert [(f, int(n), c) for f, n, _, c in located] == [(OUTCOMES, line, code)], text.stdout
    first, hint = text.stdout.splitlines()[:2]
    assert hint.startswith("    tips: ") and "\x1b[" not in text.stdout  # no colour when not on a terminal

    js = check(project_copy, "delar-mars-2025", "--format", "json")
    assert js.exit_code == 1
    (d,) = json.loads(js.stdout)
    assert (d["file"], d["line"], d["code"], d["severity"]) == (OUTCOMES, line, code, "error")
    assert d["message"] in first and d["hint"] and d["col"] >= 1

    gh = check(project_copy, "delar-mars-2025", "--format", "github")
    assert gh.exit_code == 1
    (annotation,) = gh.stdout.splitlines()
    assert annotation.startswith(f"::error file={OUTCOMES},line={line},col={d['col']},title={code}::")


def test_build_refuses_to_write_and_keeps_the_old_output(project_copy):
    """A clean build first; then each mistake makes the build fail without touching what is there."""
    def build():
        return subprocess.run([sys.executable, "-m", "regionrapport.cli", "build", "delar-mars-2025", "--format", "md"],
                              cwd=project_copy, capture_output=True, text=True)

    pristine = (project_copy / OUTCOMES).read_text(encoding="utf-8")
    ok = build()
    assert ok.returncode == 0, ok.stderr
    out = project_copy / "out" / "delar-mars-2025" / "delar-mars-2025.md"
    before = out.read_bytes()
    listing = sorted(p.name for p in out.parent.iterdir())
    for name, old, new, code, marker in MISTAKES:
        (project_copy / OUTCOMES).write_text(pristine, encoding="utf-8")
        patch(project_copy, old, new)
        r = build()
        assert r.returncode == 1, (name, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
        assert f"{OUTCOMES}:{line_of(project_copy, marker)}:" in r.stderr and code in r.stderr, (name, r.stderr)
        assert out.read_bytes() == before, name
        assert sorted(p.name for p in out.parent.iterdir()) == listing, name  # nothing new, no scratch left


def test_build_writes_nothing_on_a_first_failing_build(project_copy):
    _name, old, new, code, _marker = MISTAKES[2]
    patch(project_copy, old, new)
    r = subprocess.run([sys.executable, "-m", "regionrapport.cli", "build", "delar-mars-2025", "--format", "md"],
                       cwd=project_copy, capture_output=True, text=True)
    assert r.returncode == 1 and code in r.stderr
    assert not (project_copy / "out" / "delar-mars-2025").exists() or not any((project_copy / "out" / "delar-mars-2025").iterdir())


def test_strict_fails_on_warnings(project_with_warning):
    # Leaving a metric out of the report is a warning (RR303): fine, unless --strict.
    r = check(project_with_warning, "delar-mars-2025")
    assert r.exit_code == 0, r.output
    assert re.search(r"RR303 .*\[varning\]", r.stdout)
    assert "0 fel, 1 varningar" in r.stderr
    strict = check(project_with_warning, "delar-mars-2025", "--strict", "--format", "json")
    assert strict.exit_code == 1
    assert [d["severity"] for d in json.loads(strict.stdout)] == ["warning"]


@pytest.mark.parametrize("args", [["--format", "xml"], ["delar-mars-2052"], ["../x"], ["--bogus"]])
def test_usage_errors_exit_2(project_copy, args):
    r = check(project_copy, *args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output


def test_unknown_report_names_the_closest(project_copy):
    r = check(project_copy, "delar-mars-2052")
    assert "RR001" in r.stderr and "Menade du 'delar-mars-2025'?" in r.stderr


def test_no_project_exits_2(tmp_path):
    r = CliRunner().invoke(main, ["check", "--project", str(tmp_path)])
    assert r.exit_code == 2 and "RR001" in r.output and "organisation.yaml" in r.output


def test_broken_organisation_is_reported_in_the_chosen_format(project_copy):
    f = project_copy / "organisation.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("  gul: 0.8\n", "  gul: 0.8\n  gul: 0.7\n", 1), encoding="utf-8")
    r = check(project_copy, "--format", "json")
    assert r.exit_code == 1
    (d,) = json.loads(r.stdout)
    assert d["code"] == "RR005" and d["file"] == "organisation.yaml"


def on_a_terminal(root: Path, env: dict, stderr: bool) -> tuple[int, str]:
    """`rapport check delar-mars-2025` with stdout (and stderr) a terminal: its exit code and what it showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "regionrapport.cli", "check", "delar-mars-2025"],
                            cwd=root, stdout=follower, stderr=follower if stderr else subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_colour_only_on_a_terminal(project_copy):
    patch(project_copy, *MISTAKES[0][1:3])
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    code, shown = on_a_terminal(project_copy, env, stderr=False)
    assert code == 1
    assert "\x1b[" in shown and "RR010" in shown
    piped = subprocess.run([sys.executable, "-m", "regionrapport.cli", "check", "delar-mars-2025"],
                           cwd=project_copy, capture_output=True, text=True, env=env)
    assert "\x1b[" not in piped.stdout and "RR010" in piped.stdout


def test_console_script_flushes_everything_and_keeps_the_exit_code(project_copy):
    """`rapport` leaves through os._exit (cli.entry): the output must still be whole."""
    f = project_copy / OUTCOMES
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("    utfall: ", "    utfal: "), encoding="utf-8")  # a typo at every figure
    r = subprocess.run([sys.executable, "-m", "regionrapport.cli", "check", "--format", "json", "delar-mars-2025"],
                       cwd=project_copy, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    in_process = check(project_copy, "--format", "json", "delar-mars-2025")
    assert json.loads(r.stdout) == json.loads(in_process.stdout)  # nothing lost at exit
    assert len(json.loads(r.stdout)) > 20
    ok = subprocess.run([sys.executable, "-m", "regionrapport.cli", "check", "budget-2025"], cwd=project_copy,
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "0 fel" in ok.stderr


@pytest.mark.parametrize("env, fake_coverage, ordinary", [({}, False, False), ({"RAPPORT_FAST_EXIT": "0"}, False, True),
                                                          ({}, True, True)])
def test_fast_exit_is_switched_off_by_the_environment_and_under_coverage(project_copy, env, fake_coverage, ordinary):
    """os._exit skips atexit handlers, where coverage writes its data: RAPPORT_FAST_EXIT=0 or a
    running coverage measurement make the console script leave the ordinary way (_startup.py)."""
    script = ("import atexit, sys, types\n"
              + ("sys.modules['coverage'] = types.ModuleType('coverage')\n" if fake_coverage else "")
              + "atexit.register(lambda: print('ORDINARY EXIT'))\n"
              "sys.argv = ['rapport', 'check', 'budget-2025']\n"
              "from regionrapport.cli import entry\nentry()\n")
    r = subprocess.run([sys.executable, "-c", script], cwd=project_copy, capture_output=True, text=True,
                       env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    assert ("ORDINARY EXIT" in r.stdout) is ordinary, r.stdout


def test_library_use_runs_without_the_start_up_tricks():
    """Importing the CLI (and running `main` in process, as CliRunner does) changes nothing global."""
    script = ("import gc, sys\nimport regionrapport.cli\n"
              "print(gc.isenabled(), type(sys.modules.get('pydantic.plugin._loader')).__name__)")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"})
    assert r.stdout.split() == ["True", "NoneType"], r.stdout + r.stderr


# A key that, printed raw, would retitle the terminal window, ring its bell, clear the screen
# through the one-byte CSI (U+009B), and turn what follows right to left (U+202E).
HOSTILE_KEY = "\x1b]0;pwn\x07\x1b[2Jnyckel\x9b2J\u202eexe.LMX"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_control_characters_from_the_yaml_never_reach_the_terminal(project_copy):
    # YAML refuses these characters raw; a double-quoted key may still spell them with escapes
    patch(project_copy, "\nrapport:", '\n"\\e]0;pwn\\a\\e[2Jnyckel\\x9b2J\\u202eexe.LMX": 1\nrapport:')
    shown = "\\u001b]0;pwn\\u0007\\u001b[2Jnyckel\\u009b2J\\u202eexe.LMX"
    r = check(project_copy, "delar-mars-2025")
    assert r.exit_code == 1 and "RR010" in r.stdout and shown in r.stdout, r.output
    assert not UNSAFE.search(r.output.replace("\n", "").replace("\t", ""))
    r = check(project_copy, "delar-mars-2025", "--format", "github")
    assert shown in r.stdout and not UNSAFE.search(r.stdout.replace("\n", ""))
    # JSON stays exact: the message holds the key as it is, only written with escapes
    r = check(project_copy, "delar-mars-2025", "--format", "json")
    (d,) = json.loads(r.stdout)
    assert HOSTILE_KEY in d["message"] and not UNSAFE.search(r.stdout.replace("\n", ""))
    # on a terminal, the only escape sequences are the tool's own colours
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    code, out = on_a_terminal(project_copy, env, stderr=True)
    assert code == 1 and shown in out and "\x1b[31m" in out
    assert not UNSAFE.search(re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r\n", ""))
