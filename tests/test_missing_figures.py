"""Missing is not zero: a short forecast report scaffolded with `rapport new`.

The forecast report stores the forecast level (`prognos`) and lets the relation
prognos = arsbudget + prognos_avvikelse give the deviation. After `rapport new`
the forecast is not yet known; the deviation must then be missing ("–"), not
0 − 364 = −364, and `check` must say which figure is missing where.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def rapport(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "CI": "1", "NO_COLOR": "1"})


FORECAST = """\
rapport:
  titel: Helårsprognos per september 2025
  typ: prognos
  budget: budget-2025
  ar: 2025
  period: augusti
  datum: 2025-09-30

poster:
  hsn:
    utfall: -610
    budget: -600
    prognos: -912
  rs:
    utfall: -62
    budget: -67
    prognos: -97
  investeringar:
    prognos: 382

tabeller:
  prognos_namnder:
    rubrik: Prognos per nämnd
    kolumner: [arsbudget, prognos, prognos_avvikelse]
    rader: [hsn, rs, investeringar]
  prognos_investeringar:
    rubrik: Investeringar
    kolumner: [arsbudget, prognos, prognos_avvikelse]
    rader: [investeringar]
"""


@pytest.fixture
def forecast(tmp_path) -> Path:
    """A project from `rapport init` with a short forecast report kind and one forecast."""
    root = tmp_path / "region"
    r = rapport("init", str(root), "--name", "Region Prov", "--ar", "2025", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    org = root / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace(
        "rapporttyper:\n",
        "rapporttyper:\n  prognos:\n    sektioner:\n      - {tabell: prognos_namnder}\n"
        "      - {tabell: prognos_investeringar}\n", 1), encoding="utf-8")
    budget = root / "data" / "budget" / "budget-2025.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace(
        "poster:\n", "poster:\n  investeringar:\n    namn: Investeringar\n    arsbudget: 364\n", 1),
        encoding="utf-8")
    (root / "data" / "outcomes" / "prognos-sep-2025.yaml").write_text(FORECAST, encoding="utf-8")
    return root


def _rows(md: str, name: str) -> list[list[str]]:
    """The cells of every table row that starts with `name`."""
    out = []
    for line in md.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and cells[0] == name:
            out.append(cells[1:])
    return out


def test_forecast_as_typed_gives_its_deviation(forecast):
    r = rapport("build", "prognos-sep-2025", "--format", "md", cwd=forecast)
    assert r.returncode == 0, r.stderr
    md = (forecast / "out" / "prognos-sep-2025" / "prognos-sep-2025.md").read_text(encoding="utf-8")
    # 382 − 364 = 18, in both tables
    assert _rows(md, "Investeringar") == [["364", "382", "18"]] * 2


def test_scaffolded_forecast_prints_no_deviation_and_check_says_why(forecast):
    r = rapport("new", "prognos-okt-2025", "--from", "prognos-sep-2025", "--period", "augusti", cwd=forecast)
    assert r.returncode == 0, r.stderr
    text = (forecast / "data" / "outcomes" / "prognos-okt-2025.yaml").read_text(encoding="utf-8")
    assert "prognos: saknas" in text

    r = rapport("build", "prognos-okt-2025", "--format", "md", cwd=forecast)
    assert r.returncode == 0, r.stderr
    md = (forecast / "out" / "prognos-okt-2025" / "prognos-okt-2025.md").read_text(encoding="utf-8")
    assert "−364" not in md and "-364" not in md
    # Årsbudget 364, prognos unknown, deviation unknown: "–" in both tables.
    assert _rows(md, "Investeringar") == [["364", "–", "–"]] * 2

    r = rapport("check", "prognos-okt-2025", "--no-cache", cwd=forecast)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [line for line in r.stdout.splitlines() if "RR534" in line]
    inv = [line for line in lines if line.startswith("data/outcomes/prognos-okt-2025.yaml:")
           and "Investeringar, prognos: siffran saknas" in line]
    assert len(inv) == 1, r.stdout
    assert "Investeringar (prognos_avvikelse) i tabellen Prognos per nämnd" in inv[0]
    assert "Investeringar (prognos_avvikelse) i tabellen Investeringar" in inv[0]
    assert "[varning]" in inv[0]
    line_no = int(inv[0].split(":")[1])
    assert text.splitlines()[line_no - 1].strip() == "prognos: saknas"
    assert len(text.splitlines()) >= line_no
    # --strict refuses to build a report with figures missing
    r = rapport("build", "prognos-okt-2025", "--format", "md", "--strict", cwd=forecast)
    assert r.returncode == 1
