"""Printed totals in a built report: the reader's tolerance, and a published figure kept knowingly.

The investment table shows three rows, each the sum of three projects:
fastigheter 40 + 30 + 30 = 100, medicinsk teknik 35 + 35 + 35 = 105, IT 50 + 25 + 25 = 100,
so the rows give 305. The source prints the total forecast as 309.
"""
from __future__ import annotations

from pathlib import Path

from tests.test_missing_figures import FORECAST, _rows, forecast, rapport  # noqa: F401  (fixture)

INVESTMENTS = """\
  p1: {namn: Projekt 1, prognos: 40}
  p2: {namn: Projekt 2, prognos: 30}
  p3: {namn: Projekt 3, prognos: 30}
  p4: {namn: Projekt 4, prognos: 35}
  p5: {namn: Projekt 5, prognos: 35}
  p6: {namn: Projekt 6, prognos: 35}
  p7: {namn: Projekt 7, prognos: 50}
  p8: {namn: Projekt 8, prognos: 25}
  p9: {namn: Projekt 9, prognos: 25}
  fastigheter: {namn: Fastigheter, summa: [p1, p2, p3]}
  medicinsk_teknik: {namn: Medicinsk teknik, summa: [p4, p5, p6]}
  it: {namn: IT, summa: [p7, p8, p9]}
  summa_investeringar:
    namn: Summa investeringar
    summa: [fastigheter, medicinsk_teknik, it]
    tryckt: {prognos: 309}
"""


def _with_investments(root: Path, extra: str = "") -> None:
    f = root / "data" / "outcomes" / "prognos-sep-2025.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("\ntabeller:\n", INVESTMENTS + extra + "\ntabeller:\n", 1)
    text = text.replace("    kolumner: [arsbudget, prognos, prognos_avvikelse]\n    rader: [investeringar]\n",
                        "    kolumner: [prognos]\n"
                        "    rader: [fastigheter, medicinsk_teknik, it, {post: summa_investeringar, stil: summa}]\n")
    f.write_text(text, encoding="utf-8")


def test_total_is_checked_against_the_rows_shown(forecast):  # noqa: F811 - the fixture imported above
    """Three rows shown: tolerance 3 × 0,5 = 1,5; the nine projects beneath do not widen it."""
    _with_investments(forecast)
    r = rapport("check", "prognos-sep-2025", "--no-cache", cwd=forecast)
    assert r.returncode == 1, r.stdout
    assert "RR201 Summa investeringar, prognos: tryckt värde 309 men delarna ger 305 (diff 4, tolerans 1,5)" \
        in r.stdout


def test_published_figure_is_printed_with_a_footnote(forecast):  # noqa: F811 - the fixture imported above
    why = "Som i den publicerade rapporten."
    _with_investments(forecast, f"    tryckt_avviker: {{prognos: {why}}}\n")
    r = rapport("check", "prognos-sep-2025", "--no-cache", cwd=forecast)
    assert r.returncode == 0, r.stdout
    assert "RR532 Summa investeringar, prognos: tryckt värde 309 visas som publicerat, men delarna ger 305" in r.stdout
    assert "[varning]" in r.stdout
    r = rapport("build", "prognos-sep-2025", "--format", "md", cwd=forecast)
    assert r.returncode == 0, r.stderr
    md = (forecast / "out" / "prognos-sep-2025" / "prognos-sep-2025.md").read_text(encoding="utf-8")
    assert _rows(md, "**Summa investeringar**") == [["**309**"]]
    assert _rows(md, "Fastigheter") == [["100"]] and _rows(md, "Medicinsk teknik") == [["105"]]
    assert f"Summa investeringar, prognos: 309 som i den publicerade källan; delarna ger 305. {why}" in md
    r = rapport("build", "prognos-sep-2025", "--format", "md", "--strict", "--force", cwd=forecast)
    assert r.returncode == 1


def test_next_period_drops_the_published_figure_and_its_reason(forecast):  # noqa: F811 - the fixture imported above
    _with_investments(forecast, "    tryckt_avviker: {prognos: Som i den publicerade rapporten.}\n")
    r = rapport("new", "prognos-okt-2025", "--from", "prognos-sep-2025", "--period", "augusti", cwd=forecast)
    assert r.returncode == 0, r.stderr
    text = (forecast / "data" / "outcomes" / "prognos-okt-2025.yaml").read_text(encoding="utf-8")
    assert "tryckt: {}" in text and "tryckt_avviker: {}" in text
    r = rapport("build", "prognos-okt-2025", "--format", "md", cwd=forecast)
    assert r.returncode == 0, r.stderr


# Annual budgets of the nine projects: fastigheter 40 + 35 + 35 = 110, medicinsk teknik 35 + 35 + 30 = 100,
# IT 50 + 25 + 25 = 100, so 310 in all; the forecasts above give 305 and the source prints 309.
BUDGETS = {"p1": 40, "p2": 35, "p3": 35, "p4": 35, "p5": 35, "p6": 30, "p7": 50, "p8": 25, "p9": 25}


def _with_budgets(root: Path, extra: str) -> None:
    _with_investments(root, extra)
    f = root / "data" / "outcomes" / "prognos-sep-2025.yaml"
    text = f.read_text(encoding="utf-8")
    for pid, budget in BUDGETS.items():
        text = text.replace(f"  {pid}: {{namn: Projekt {pid[1]}, ", f"  {pid}: {{namn: Projekt {pid[1]}, arsbudget: {budget}, ", 1)
    text = text.replace("    kolumner: [prognos]\n", "    kolumner: [arsbudget, prognos, prognos_avvikelse]\n", 1)
    f.write_text(text, encoding="utf-8")


def test_kept_figure_carries_its_relation(forecast):  # noqa: F811 - the fixture imported above
    """prognos = arsbudget + prognos_avvikelse: with the published 309 kept, the forecast deviation of
    the total is 309 − 310 = −1 (the rows' deviations would give −5, and 310 − 5 ≠ 309), so the table
    agrees with itself and the check gives no error (RR205), only the kept figure's warning."""
    _with_budgets(forecast, "    tryckt_avviker: {prognos: Som i den publicerade rapporten.}\n")
    r = rapport("check", "prognos-sep-2025", "--no-cache", cwd=forecast)
    assert r.returncode == 0, r.stdout
    assert "RR205" not in r.stdout
    assert "RR532 Summa investeringar, prognos: tryckt värde 309 visas som publicerat, men delarna ger 305" in r.stdout
    r = rapport("build", "prognos-sep-2025", "--format", "md", cwd=forecast)
    assert r.returncode == 0, r.stderr
    md = (forecast / "out" / "prognos-sep-2025" / "prognos-sep-2025.md").read_text(encoding="utf-8")
    assert _rows(md, "**Summa investeringar**") == [["**310**", "**309**", "**−1**"]]
    # the rows themselves follow their parts: 100 − 110, 105 − 100, 100 − 100
    assert _rows(md, "Fastigheter") == [["110", "100", "−10"]]
    assert _rows(md, "Medicinsk teknik") == [["100", "105", "5"]]


def test_kept_figure_against_a_printed_deviation_is_a_warning(forecast):  # noqa: F811 - the fixture imported above
    """The source also prints the deviation −5, as its rows give it: 310 − 5 = 305 ≠ 309. Both are
    reproduced as published; the contradiction is the kept figure's, a warning, not RR205's error."""
    _with_budgets(forecast, "    tryckt_avviker: {prognos: Som i den publicerade rapporten.}\n")
    f = forecast / "data" / "outcomes" / "prognos-sep-2025.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("    tryckt: {prognos: 309}\n",
                                                       "    tryckt: {prognos: 309, prognos_avvikelse: -5}\n", 1),
                 encoding="utf-8")
    r = rapport("check", "prognos-sep-2025", "--no-cache", cwd=forecast)
    assert r.returncode == 0, r.stdout
    assert "RR205" not in r.stdout
    assert ("RR532 Summa investeringar: prognos är 309 men arsbudget + prognos_avvikelse ger 305 med det tryckta "
            "värdet i prognos") in r.stdout
    r = rapport("build", "prognos-sep-2025", "--format", "md", cwd=forecast)
    assert r.returncode == 0, r.stderr
    md = (forecast / "out" / "prognos-sep-2025" / "prognos-sep-2025.md").read_text(encoding="utf-8")
    assert _rows(md, "**Summa investeringar**") == [["**310**", "**309**", "**−5**"]]
