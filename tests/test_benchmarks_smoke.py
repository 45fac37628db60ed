"""Smoke tests of benchmarks/: the synthetic organisation is valid, and run.py runs end to end.

No timing is asserted here (timings vary with the machine and its load); the
numbers themselves are for `make bench` and docs/performance.md.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from regionrapport.commands.check import check
from regionrapport.project import load_project

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402


@pytest.mark.parametrize("scale", [1, 2])
def test_synthetic_organisation_passes_check(tmp_path, scale):
    counts = generate.generate(tmp_path, scale)
    assert counts["committees_and_units"] == 9 * scale
    assert counts["metrics"] == 30 * scale and counts["assignments"] == 50 * scale
    result = check(load_project(tmp_path), [counts["report"]])
    assert result.reports[counts["report"]] is not None
    assert result.diagnostics == []


def test_synthetic_sums_are_consistent(tmp_path):
    """The printed totals agree with the parts: a wrong generator would show up as RR201/RR204."""
    counts = generate.generate(tmp_path, 3)
    project = load_project(tmp_path)
    report = check(project, [counts["report"]]).reports[counts["report"]]
    led = report.ledger
    committees = list(report.budget.namnder)
    assert len(committees) == 9
    total = sum(led.value(c, "utfall") for c in committees)
    assert led.value("verksamhetens_nettokostnad", "utfall") == total
    assert led.value("resultat", "utfall") == total + led.value("skatteintakter", "utfall")
    assert led.get("resultat", "utfall").how == "tryckt"  # the printed figure is accepted


def test_generator_is_deterministic(tmp_path):
    generate.generate(tmp_path / "a", 2)
    generate.generate(tmp_path / "b", 2)
    for f in ("organisation.yaml", "data/budget/budget-syntet.yaml", "data/outcomes/delar-syntet.yaml"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def _run_quick(tmp_path, only: str):
    """benchmarks/run.py --quick for the measurements `only`: (the process, its JSON results)."""
    out = tmp_path / "bench.json"
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--only", only, "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc, json.loads(out.read_text(encoding="utf-8"))

def test_run_quick_mode(tmp_path):
    """Measurements 1–3 in quick mode: the build is captured, the bare tools replayed, ratios computed."""
    proc, data = _run_quick(tmp_path, "1,2,3")
    assert data["machine"]["nproc"] >= 1 and data["machine"]["python"]
    results = {r["key"]: r for r in data["results"]}
    assert set(results) == {"build", "build_cold", "check", "check_cold", "noop"}
    for r in results.values():
        assert r["ours"] > 0 and r["base"] > 0 and r["ratio"] == pytest.approx(r["ours"] / r["base"])
    assert results["build_cold"]["base"] == results["build"]["base"]  # both against the same bare tools
    assert set(results["build"]["detail"]["bare_steps"]) == {"pandoc → docx", "pandoc → typst", "typst compile"}
    assert "| Measurement |" in proc.stdout


def test_import_benchmark_file_is_placed_by_the_mapping(tmp_path):
    """benchmarks/sie_generate.py: every amount lands on a post of the example's mapping."""
    import sie_generate

    from regionrapport.commands.import_ import load_mapping
    from regionrapport.importing.place import place
    from regionrapport.importing.sie import read_sie

    sie = tmp_path / "huvudbok.se"
    assert sie_generate.generate(sie, 5000) == 5000
    assert sie.read_bytes().count(b"#TRANS") == 5000
    mapping, loaded = load_mapping(BENCH.parent, None)
    data = read_sie(sie, "huvudbok.se", mapping.organisationsnummer)
    placed = place(mapping, loaded.smap, data, {"utfall": 3}, "import/mappning.yaml")
    assert placed.diagnostics == []
    assert placed.rounded[("sjukhusvard", "utfall")] != 0


def test_run_quick_import(tmp_path):
    _, data = _run_quick(tmp_path, "6")
    (r,) = data["results"]
    assert r["key"] == "import" and r["ours"] > 0 and r["base"] > 0
    assert r["detail"]["trans_lines"] == 20_000 and r["detail"]["peak_rss_mb"] > 0


def test_preview_benchmark_runs(tmp_path):
    """benchmarks/preview.py end to end (one edit, clock at the server): both runs see the edit."""
    out = tmp_path / "preview.json"
    proc = subprocess.run([sys.executable, str(BENCH / "preview.py"), "--no-browser", "--edits", "1", "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["browser"] is False
    for name in ("preview (its caches)", "without caches"):
        assert data[name]["edits"] == 1 and data[name]["median_s"] >= data[name]["rebuild_median_s"] > 0
        assert data[name]["p90_s"] >= data[name]["median_s"]
    assert len(data["load_before"]) == len(data["load_after"]) == 3
