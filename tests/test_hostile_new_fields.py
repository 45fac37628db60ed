"""Hostile pull requests against the fields that came with goal hierarchies, the comparison
report and the column shapes (docs/fuzzing.md, *Review of the new fields*): every one is a
located Swedish diagnostic (file:line, a rule code) from `check` and from `build`, exit 1,
never a traceback, never a file outside the project read, never the machine's paths.

The project is a copy of Sjövalla kommun, whose tertial 2 2026 compares with 2025's
(`rapport.jamforelse`) and takes a metric from the ledger with a factor."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from regionrapport.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sjovalla-kommun"
REPORT = "tertial2-2026"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"
BUDGET = "data/budget/budget-2026.yaml"
COMPARISON = "  jamforelse: tertial2-2025            # its goal summary is shown beside this one's\n"
FACTOR = "berakning: {post: arets_resultat, kolumn: prognos, faktor: 1000}"
MARKER = "HEMLIG-MARKOR-7f3a9c"


@pytest.fixture
def project(tmp_path) -> Path:
    dst = tmp_path / "sjovalla"
    shutil.copytree(EXAMPLE, dst)
    return dst


def run(*args):
    return CliRunner().invoke(main, list(args))


def patch(root: Path, file: str, old: str, new: str) -> int:
    """Replace `old` (once) with `new`; the line where it stood."""
    f = root / file
    src = f.read_text(encoding="utf-8")
    assert src.count(old) == 1, old
    f.write_text(src.replace(old, new), encoding="utf-8")
    return src[:src.index(old)].count("\n") + 1


def refused(root: Path, tmp_path: Path, code: str, where: str) -> str:
    """`check` and `build` both stop with `code` at `where` (file:line), exit 1, no traceback,
    nothing written; the output of check."""
    chk = run("check", "--project", str(root), "--no-cache", REPORT)
    assert chk.exit_code == 1, chk.output
    assert chk.exception is None or isinstance(chk.exception, SystemExit), repr(chk.exception)
    assert re.search(re.escape(where) + r":\d+: " + code, chk.output), chk.output
    out = tmp_path / "ut"
    b = run("build", "--project", str(root), "--format", "md", "--out", str(out), REPORT)
    assert b.exit_code == 1, b.output
    assert code in b.output
    for r in (chk, b):
        assert "Traceback" not in r.output and "Internt fel" not in r.output and "internt fel" not in r.output
        assert str(tmp_path) not in r.output, "the machine's path is no part of a message"
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
    return chk.output


# --- rapport.jamforelse: another report's data file ------------------------------------
@pytest.mark.parametrize("name", ["/etc/passwd", "../../../../etc/passwd", "/proc/self/environ", "/dev/zero",
                                  "data/outcomes/tertial2-2025", "tertial2-2025.yaml", "''", "tertial2-2026"])
def test_a_comparison_is_a_report_name_never_a_path(name, project, tmp_path):
    line = patch(project, OUTCOMES, COMPARISON, f"  jamforelse: {name}\n")
    out = refused(project, tmp_path, "RR545", f"{OUTCOMES}:{line}")
    assert "root:" not in out  # /etc/passwd's first line


@pytest.mark.parametrize("target", ["secret", "passwd", "device"])
def test_a_comparison_symlinked_out_of_the_project_is_never_read(target, project, tmp_path):
    """A report file that is a link to a file outside (or in a linked folder): refused
    before a byte is read, named as it stands in the project."""
    outside = tmp_path / "utanfor"
    outside.mkdir()
    # Valid YAML whose every error would quote the marker, were the file read.
    (outside / "stulen.yaml").write_text(f"rapport:\n  titel: {MARKER}\n{MARKER}: 1\n", encoding="utf-8")
    outcomes = project / "data" / "outcomes"
    if target == "secret":
        (outcomes / "stulen.yaml").symlink_to(outside / "stulen.yaml")
    elif target == "passwd":
        (outcomes / "stulen.yaml").symlink_to("/etc/passwd")
    else:  # a device: never opened
        (outcomes / "stulen.yaml").symlink_to("/dev/zero")
    line = patch(project, OUTCOMES, COMPARISON, "  jamforelse: stulen\n")
    out = refused(project, tmp_path, "RR545", f"{OUTCOMES}:{line}")
    assert "data/outcomes/stulen.yaml:1:1: RR605" in out
    assert MARKER not in out and "root:" not in out
    everything = run("check", "--project", str(project), "--no-cache", "--all")
    assert everything.exit_code == 1 and MARKER not in everything.output and str(tmp_path) not in everything.output


def test_a_huge_comparison_file_is_refused_before_it_is_read(project, tmp_path):
    (project / "data" / "outcomes" / "stor.yaml").write_text("a: " + "x" * 2_200_000 + "\n", encoding="utf-8")
    line = patch(project, OUTCOMES, COMPARISON, "  jamforelse: stor\n")
    out = refused(project, tmp_path, "RR545", f"{OUTCOMES}:{line}")
    assert "RR003" in out and "xxxxxxxxxx" not in out


def test_comparisons_in_a_cycle_load_one_level(project, tmp_path):
    """2025 compares with 2026 and 2026 with 2025: each loads the other once, without its
    own comparison; both check clean and build."""
    patch(project, "data/outcomes/tertial2-2025.yaml", "  datum: ", "  jamforelse: tertial2-2026\n  datum: ")
    r = run("check", "--project", str(project), "--no-cache", "--all")
    assert r.exit_code == 0, r.output
    b = run("build", "--project", str(project), "--format", "md", "--out", str(tmp_path / "ut"), "--all")
    assert b.exit_code == 0, b.output


def test_an_error_both_reports_share_is_given_once(project, tmp_path):
    """A mistake in organisation.yaml breaks the comparison report too; it is said once, at
    its own line, not again through `jamforelse` as if the earlier report were broken."""
    line = patch(project, "organisation.yaml", '  arsbudget: {rubrik: "Budget {ar}"}',
                 '  arsbudget: {rubrik: "Budget {ar!r}"}')
    out = refused(project, tmp_path, "RR535", f"organisation.yaml:{line}")
    assert out.count("RR535") == 1 and "RR545" not in out, out


# --- header placeholders: format strings are text, never Python's format ------------------
@pytest.mark.parametrize("header", ["{ar.__class__}", "{0}", "{ar!r}", "{ar:>99999999}", "{}", "{ar[0]}",
                                    "{period_kort.__class__.__mro__}", "{ar!s:>9}"])
def test_header_placeholders_are_not_format_strings(header, project, tmp_path):
    line = patch(project, "organisation.yaml", '  arsbudget: {rubrik: "Budget {ar}"}',
                 f'  arsbudget: {{rubrik: "Budget {header}"}}')
    out = refused(project, tmp_path, "RR535", f"organisation.yaml:{line}")
    assert "<class" not in out and "2026" * 3 not in out


# --- numbers that are text: never read as a float (faktor, margins, thresholds) -----------
@pytest.mark.parametrize("value,code", [('"inf"', "RR011"), ('"-inf"', "RR011"), ('"nan"', "RR011"),
                                        ('"1e300"', "RR011"), ('"1000"', "RR012")])
def test_a_factor_written_as_text_is_refused(value, code, project, tmp_path):
    """`faktor: "1e300"` was read as a float: check passed and the build stopped with an
    internal error (decimal.InvalidOperation; "inf" an OverflowError)."""
    line = patch(project, BUDGET, FACTOR, FACTOR.replace("1000}", f"{value}}}"))
    out = refused(project, tmp_path, code, f"{BUDGET}:{line}")
    assert "berakning.faktor" in out


@pytest.mark.parametrize("old,new", [
    ("  procent: {gron: 0.5, gul: 2.0}", '  procent: {gron: "nan", gul: 2.0}'),
    ("  gron: 1.0\n", '  gron: "nan"\n'),
])
def test_margins_and_thresholds_written_as_text_are_refused(old, new, project, tmp_path):
    """A threshold "nan" was read as NaN: every comparison with it false, check clean."""
    line = patch(project, "organisation.yaml", old, new)
    refused(project, tmp_path, "RR011", f"organisation.yaml:{line}")


@pytest.mark.parametrize("factor", ["1.0e+14", "1.0e+15", "-1.0e+15"])
def test_a_factor_that_makes_the_outcome_absurd_is_refused(factor, project, tmp_path):
    """107 mnkr × 10^14 is beyond any figure the report can print (10^15, as RR620); a
    factor of 10^15 with a figure of 10^15 once reached the printer as 10^30."""
    line = patch(project, BUDGET, FACTOR, FACTOR.replace("1000}", f"{factor}}}"))
    out = refused(project, tmp_path, "RR780", f"{BUDGET}:{line}")
    assert "Prognos för årets resultat" in out


def test_a_negative_factor_is_a_sign_and_builds(project, tmp_path):
    """-1 (a cost stored negative) is documented; the outcome is the figure with its sign turned."""
    patch(project, BUDGET, FACTOR, FACTOR.replace("1000}", "-1000}"))
    r = run("build", "--project", str(project), "--format", "md", "--out", str(tmp_path / "ut"), REPORT)
    assert r.exit_code == 0, r.output
    md = (tmp_path / "ut" / REPORT / f"{REPORT}.md").read_text(encoding="utf-8")
    # The published forecast of årets resultat is 107 mnkr (data/outcomes/tertial2-2026.yaml).
    row = next(line for line in md.splitlines() if line.startswith("| Prognos för årets resultat |"))
    assert "−107\u00a0000\u00a0tkr" in row, row


def test_a_share_of_an_almost_zero_whole_is_refused(project, tmp_path):
    """`andel: [del, helhet]` with a whole of 10^-12: 100 × 88 / 10^-12 is 8.8·10^15."""
    patch(project, OUTCOMES, "  generella_statsbidrag: {utfall: 402,", "  generella_statsbidrag: {utfall: -1290,")
    patch(project, OUTCOMES, "  skatteintakter: {utfall: 1290,", "  skatteintakter: {utfall: 1290.000000000001,")
    line = 1 + (project / BUDGET).read_text(encoding="utf-8").split("berakning: {andel:")[0].count("\n")
    chk = run("check", "--project", str(project), "--no-cache", REPORT)
    assert chk.exit_code == 1 and "Traceback" not in chk.output
    assert f"{BUDGET}:{line}:28: RR780" in chk.output, chk.output


# --- a metric's unit (any text now) and control characters in any text -------------------
UNIT = "        enhet: kr/invånare"


@pytest.mark.parametrize("unit,char", [('"x\\u0007"', "U+0007"), ('"\\0"', "U+0000"), ('"kr\\x1b[31m"', "U+001B"),
                                       ('"kr\\u202e"', "U+202E"), ('"kr\\u0085x"', "U+0085")])
def test_a_control_character_in_a_unit_is_refused(unit, char, project, tmp_path):
    """`enhet: "x\\u0007"` passed check and stopped the PDF in typst (RR506 at _rapport.typ:1:1,
    no line of the data); NUL likewise."""
    line = patch(project, BUDGET, UNIT, f"        enhet: {unit}")
    out = refused(project, tmp_path, "RR781", f"{BUDGET}:{line}")
    assert char in out and "enhet" in out


def test_a_control_character_in_a_title_or_a_key_is_refused(project, tmp_path):
    line = patch(project, OUTCOMES, "  titel: Tertialrapport 2 2026", '  titel: "Tertial\\u0007rapport"')
    out = refused(project, tmp_path, "RR781", f"{OUTCOMES}:{line}")
    assert "rapport.titel" in out


@pytest.mark.parametrize("unit", ['"' + "k" * 5000 + '"', '"#read(\\"/etc/passwd\\")"', '"<w:p/>"', '"]{.x}"', '"$$"',
                                  '"procent\\n# Rubrik"'])
def test_any_other_unit_is_printed_as_text(unit, project, tmp_path):
    """Typst code, OpenXML, Markdown attributes and a 5 000-character unit: check is clean
    and the report builds (a unit is text)."""
    patch(project, BUDGET, UNIT, f"        enhet: {unit}")
    r = run("build", "--project", str(project), "--format", "md", "--out", str(tmp_path / "ut"), REPORT)
    assert r.exit_code == 0, r.output
