"""Column shapes from organisation.yaml alone: header placeholders and an explicit plus sign.

Figures expected here are the interim report's (source 000): Verksamhetens kostnader
deviation 133, Hälso- och sjukvårdsnämnd 36, Skatteintäkter −11.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def rapport(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "CI": "1", "NO_COLOR": "1"})


def _edit_org(root: Path, old: str, new: str) -> None:
    f = root / "organisation.yaml"
    text = f.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    f.write_text(text.replace(old, new), encoding="utf-8")


def _build(root: Path) -> str:
    r = rapport("build", "delar-mars-2025", "--format", "md", cwd=root)
    assert r.returncode == 0, r.stderr
    return (root / "out" / "delar-mars-2025" / "delar-mars-2025.md").read_text(encoding="utf-8")


def _cells(md: str, label: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("|").split("|")][1:]
            for line in md.splitlines() if line.startswith("| " + label + " ")]


def test_period_placeholders_in_a_header(project_copy):
    _edit_org(project_copy, 'utfall: {rubrik: "Utfall"}', 'utfall: {rubrik: "Utfall {period_kort} {ar}"}')
    _edit_org(project_copy, 'budget: {rubrik: "Budget"}', 'budget: {rubrik: "Budget {period}"}')
    md = _build(project_copy)
    header = next(line for line in md.splitlines() if "Utfall jan–mar 2025" in line)
    assert "Budget delår per mars" in header  # the period 'mars' of organisation.yaml
    assert "{" not in header


def test_unknown_placeholder_is_an_error_not_printed(project_copy):
    _edit_org(project_copy, 'utfall_fg_helar: {rubrik: "Utfall {fg_ar}"}', 'utfall_fg_helar: {rubrik: "Utfall {fg_år}"}')
    r = rapport("check", "delar-mars-2025", "--no-cache", cwd=project_copy)
    assert r.returncode == 1
    assert "RR535 Kolumnen 'utfall_fg_helar': rubriken 'Utfall {fg_år}' har en okänd platshållare {fg_år}." in r.stdout
    assert r.stdout.startswith("organisation.yaml:")
    r = rapport("build", "delar-mars-2025", "--format", "md", cwd=project_copy)
    assert r.returncode == 1 and not (project_copy / "out" / "delar-mars-2025" / "delar-mars-2025.md").exists()


def test_deviations_with_an_explicit_plus_sign(project_copy):
    _edit_org(project_copy, 'avvikelse: {rubrik: "Avvik."}', 'avvikelse: {rubrik: "Avvik.", plustecken: true}')
    md = _build(project_copy)
    # Utfall, Budget, Avvik., ... : the deviation column only
    assert _cells(md, "Verksamhetens kostnader")[0][:3] == ["−2\u00a0476", "−2\u00a0608", "+133"]
    assert _cells(md, "Hälso- och sjukvårdsnämnd")[0][:3] == ["−1\u00a0353", "−1\u00a0390", "+36"]
    assert _cells(md, "Skatteintäkter")[0][:3] == ["1\u00a0547", "1\u00a0558", "−11"]


def test_any_metric_unit_is_printed_as_written():
    from regionrapport.render.context import fmt_metric

    assert fmt_metric(12.5, "kWh/m²") == "12,5\u00a0kWh/m²"
    assert fmt_metric(3400, "kr/invånare") == "3\u00a0400\u00a0kr/invånare"
    assert fmt_metric(-787, "personer") == "−787\u00a0personer"  # dropped silently before
    assert fmt_metric(5, "dagar") == "5\u00a0dagar" and fmt_metric(12, "st") == "12\u00a0st"
    assert fmt_metric(12, "antal") == "12"  # a count: no unit after it
    assert fmt_metric(87.6, "procent") == "87,6\u00a0%" and fmt_metric(0.35, "kvot") == "0,35"


def _with_share_column(project_copy, column: str, rubrik: str, whole: str) -> tuple:
    """The example's outcomes file with a percentage column `column` = utfall / `whole`
    declared and related (not yet shown by any table): (the file, its new text)."""
    f = project_copy / "data" / "outcomes" / "delar-mars-2025.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace('  hyr_summa_fg: {rubrik: "Summa {fg_ar}"}\n',
                        '  hyr_summa_fg: {rubrik: "Summa {fg_ar}"}\n'
                        f'  {column}: {{rubrik: "{rubrik}", format: procent}}\n', 1)
    text = text.replace("relationer:\n", f"relationer:\n  - {column} = utfall / {whole}\n", 1)
    return f, text


def test_a_relation_across_columns_that_is_a_ratio(project_copy):
    """Investments so far as a share of the annual budget: 63 / 696 = 9,05 % → 9,1 % (Summa investeringar)."""
    f, text = _with_share_column(project_copy, "andel_av_arsbudget", "Andel av årsbudget", "arsbudget")
    text = text.replace('      - {kolumn: utfall, rubrik: "Årets utfall"}\n',
                        '      - {kolumn: utfall, rubrik: "Årets utfall"}\n      - andel_av_arsbudget\n', 1)
    f.write_text(text, encoding="utf-8")
    md = _build(project_copy)
    row = next(line for line in md.splitlines() if line.startswith("| **Summa investeringar**"))
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    assert cells[cells.index("**63**") + 1] == "**9,1\u00a0%**"


def test_a_cost_as_a_share_of_its_budget_is_positive(project_copy):
    """Costs are negative in the data; their share of budget used reads as a positive share.

    The Resultatanalys of the interim report (source 000, ~line 1938) prints Läkemedel
    −240 against a budget of −260, Hyrpersonal −40 against −43 and Summa kostnader
    −2 398 against −2 526; worked by hand: 240 / 260 = 92,31 %, 40 / 43 = 93,02 %,
    2 398 / 2 526 = 94,93 %. Skatteintäkter 1 547 of 1 558 = 99,29 %. A cost's share
    was printed −92,3 % when the share divided by |budget|.
    """
    f, text = _with_share_column(project_copy, "andel_av_budget", "Andel av budget", "budget")
    old = "    kolumner:\n      - utfall\n      - budget\n      - avvikelse\n      - utfall_fg_ar\n"
    assert text.count(old) == 1
    text = text.replace(old, "    kolumner:\n      - utfall\n      - budget\n      - andel_av_budget\n"
                             "      - avvikelse\n      - utfall_fg_ar\n", 1)
    f.write_text(text, encoding="utf-8")
    md = _build(project_copy)
    assert _cells(md, "Läkemedel")[0][:3] == ["−240", "−260", "92,3\u00a0%"]
    assert _cells(md, "Hyrpersonal")[0][:3] == ["−40", "−43", "93,0\u00a0%"]
    assert ["1\u00a0547", "1\u00a0558", "99,3\u00a0%"] in [c[:3] for c in _cells(md, "Skatteintäkter")]
    assert _cells(md, "**Summa kostnader**")[0][:3] == ["**−2\u00a0398**", "**−2\u00a0526**", "**94,9\u00a0%**"]
