"""End-to-end: the fictional Sjövalla kommun (examples/sjovalla-kommun), a municipality whose
tertial-2 report uses every goal and table shape of issue 15 from configuration and data
alone (the project has no templates/). Expected figures are worked out by hand from the
example's YAML, as noted beside each assertion."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from mdtables import n, table_header, table_rows

SJOVALLA = "examples/sjovalla-kommun"


def _run(*args):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def sjovalla(build_example):
    """tertial2-2026 built once through the CLI, as a user runs it: {fmt: Path}."""
    return build_example(SJOVALLA, "tertial2-2026")


@pytest.fixture(scope="module")
def md(sjovalla) -> str:
    return sjovalla["md"].read_text(encoding="utf-8")


def test_check_gives_only_the_intended_warnings(repo_root):
    proc = _run("check", "--no-cache", "--project", str(repo_root / SJOVALLA))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 rapport(er) kontrollerade: 0 fel, 2 varningar" in proc.stderr
    codes = sorted(line.split()[1] for line in proc.stdout.splitlines() if line.startswith("data/"))
    # the reproduced printed total, the forecast not yet known, and the analyst's judgement (info)
    assert codes == ["RR532", "RR534", "RR540"], proc.stdout
    assert "Andel bygglov som avgörs inom tio veckor': status bedömd som 'Delvis uppnått' (beräknad 'Uppnått')" in proc.stdout


def test_committee_table_carries_only_deviations(md):
    caption = "Nämndernas avvikelser (mnkr)"
    assert table_header(md, caption) == ["mnkr", "Avvikelse jan–aug", "Prognosavvikelse"]
    rows = table_rows(md, caption)
    # KS = 3 + 8 and 2 + 10; BUN = −6 − 10 and −9 − 14; plus signs from organisation.yaml
    assert rows["Kommunstyrelsen"] == ["+11", "+12"]
    assert rows["Barn- och utbildningsnämnden"] == [n("-16"), n("-23")]
    assert rows["Central reserv"] == ["+8", "+10"]
    assert rows["Miljö och bygg"] == ["+1", "0"]
    # 11 − 16 − 7 + 3 and 12 − 23 − 14 + 1, checked against the printed −9 and −24
    assert rows["Summa nämnder"] == [n("-9"), n("-24")]


def test_income_statement_outcome_through_kontroll(md):
    rows = table_rows(md, "Resultaträkning (mnkr)")
    assert table_header(md, "Resultaträkning (mnkr)")[1:4] == ["Utfall jan–aug 2026", "Budget jan–aug 2026", "Avvikelse jan–aug"]
    # the committees carry no outcome: 412 − 1 960 − 62 = −1 610 comes from the kontroll
    assert rows["Verksamhetens nettokostnad"][:3] == [n("-1 610"), n("-1 601"), n("-9")]
    # −1 610 + 1 290 + 402 + 6 = 88; budget 117 + forecast deviation −10 = 107
    assert rows["Årets resultat"] == ["88", "87", "+1", "117", "107", n("-10")]


def test_ratio_column_reproduced_total_and_missing_forecast(md):
    # a percentage column beside the amounts: the table claims no single unit (caption, label column)
    rows = table_rows(md, "Investeringar (belopp i mnkr)")
    assert table_header(md, "Investeringar (belopp i mnkr)")[0] == ""
    assert rows["Ny förskola i Ekudden"] == ["18", "42", n("42,9 %"), "40"]  # 18 / 42
    assert rows["Summa investeringar"] == ["34", "87", n("39,1 %"), "76"]  # printed 34 as published; 34 / 87
    assert "Summa investeringar, utfall jan–aug 2026: 34 som i den publicerade källan; delarna ger 32." in md
    rows = table_rows(md, "Exploatering (mnkr)")
    assert rows["Intäkter från markförsäljning"] == ["12", "30", "–", "–"]  # prognos: saknas
    assert rows["Exploatering, netto"] == ["4", "8", "–", "–"]


def test_three_level_hierarchy_with_assignments(md):
    order = ["## Invånare och samhälle", "### Barn och unga ges goda förutsättningar för livet",
             "*Förskola och skola*", "#### Fler elever når kunskapsmålen", "#### En trygg förskola",
             "### En trygg och värdig äldreomsorg", "## Verksamhet och utveckling", "## Medarbetare",
             "## Sammanfattning av måluppfyllelsen", "# Ekonomisk redovisning", "## Resultaträkning",
             "## Ekonomi", "### God ekonomisk hushållning", "## Nämndernas avvikelser"]
    positions = [md.index(h) for h in order]
    assert positions == sorted(positions)  # the economy perspective sits beside the income statement
    assert md.count("## Ekonomi\n") == 1
    # assignments in the kommun's own columns, at success factor, goal and perspective level
    assert table_header(md, "Uppdrag: fler elever når kunskapsmålen") == ["Uppdrag", "Tidplan", "Ansvarig"]
    assert table_rows(md, "Uppdrag: fler elever når kunskapsmålen") == {
        "Utreda skolorganisationen på landsbygden": ["Juni 2027", "Barn- och utbildningsnämnden"]}
    assert table_rows(md, "Uppdrag: invånare och samhälle") == {
        "Ta fram en modell för medborgardialog inför budgetarbetet": ["Hösten 2026", "Demokratiberedningen"]}
    assert table_rows(md, "Uppdrag: en trygg och värdig äldreomsorg")[
        "Införa digital tillsyn nattetid i hemtjänsten"] == ["2026", "Socialnämnden"]


def test_status_rules_information_metrics_and_judgement(md):
    header = ["Mätetal", "T2 2025", "Mål 2026", "T2 2026", "Bedömning", "Analys"]
    assert table_header(md, "Fler elever når kunskapsmålen") == header
    rows = table_rows(md, "Fler elever når kunskapsmålen")
    # 89,6 of 90 is 0,4 percentage points short: green within 0,5 (as a share, 99,6 %, it would be yellow)
    assert rows["Andel elever i årskurs 9 som är behöriga till gymnasiets yrkesprogram"][:4] == \
        [n("88,1 %"), n("90 %"), n("89,6 %"), "[● Uppnått]{.status-gron}"]
    assert rows["Genomsnittligt meritvärde i årskurs 9 (informationsmått)"][:4] == \
        [n("219 poäng"), "–", n("224,5 poäng"), "Information"]
    rows = table_rows(md, "Fler bostäder")
    assert rows["Antal färdigställda bostäder"][1:4] == [n("minst 120 st"), n("85 st"), "[○ Ej uppnått]{.status-rod}"]
    judged = rows["Andel bygglov som avgörs inom tio veckor"]
    assert judged[3] == "[◐ Delvis uppnått]{.status-gul}"  # 94,8 of 95 computes green; judged yellow
    assert "Bedömd status: Delvis uppnått (beräknad: Uppnått). Två ärenden i augusti" in judged[4]
    # 126 kWh/m² against at most 120: 120 / 126 = 95 %, yellow from 85 %
    assert table_rows(md, "Minskad klimatpåverkan")["Energianvändning i kommunens lokaler"][1:4] == \
        [n("högst 120 kWh/m²"), n("126 kWh/m²"), "[◐ Delvis uppnått]{.status-gul}"]
    # 7,9 % against at most 6,5 %: 1,4 points over, yellow within 2
    assert table_rows(md, "Sjövalla kommun är en attraktiv arbetsgivare")["Sjukfrånvaro"][3] == "[◐ Delvis uppnått]{.status-gul}"


def test_metric_outcomes_from_the_ledger(md):
    rows = table_rows(md, "God ekonomisk hushållning")
    # 88 / (1 290 + 402) = 5,2 %; the forecast result 107 mnkr = 107 000 tkr; investments 34 mnkr
    assert rows["Årets resultat i procent av skatteintäkter, statsbidrag och utjämning"][2] == n("5,2 %")
    assert rows["Prognos för årets resultat"][1:4] == [n("minst 100 000 tkr"), n("107 000 tkr"), "[● Uppnått]{.status-gron}"]
    assert rows["Investeringar hittills i år (informationsmått)"][2:4] == [n("34 000 tkr"), "Information"]
    assert rows["Nettokostnad för kultur och fritid per invånare (informationsmått)"][2] == n("2 150 kr/invånare")


def test_summary_counts_what_is_shown_beside_a_year_ago(md):
    caption = "Måluppfyllelse, antal mätetal per perspektiv och status"
    rows = table_rows(md, caption)
    # 14 metrics, 3 information metrics not counted: 11; the judged metric counts as yellow
    assert rows["Summa"] == ["5", "4", "1", "1", "11"]
    assert rows["Invånare och samhälle"] == ["2", "1", "0", "1", "4"]
    assert rows["Ekonomi"] == ["2", "0", "0", "0", "2"]  # counted though shown in the economy chapter
    # tertial2-2025 with its own budget: behörighet 88,1 (1,9 short: yellow), hemtjänst 91,8 of 91
    # (green), bostäder 140 (green), energi 120/131 = 92 % (yellow), sjukfrånvaro 8,7 (2,2 over:
    # red), resultat 1,4 of at least 2 (0,6 short: yellow)
    assert rows["Tertialrapport 2 2025"] == ["2", "3", "1", "0", "6"]
    assert "5 / 4 / 1 av 11 mätetal\n(2 / 3 / 1 av 6 i Tertialrapport 2 2025)" in md
    assert "Av de 11 mätetal som följs upp mot mål är 5 uppnådda och 4 delvis uppnådda." in md


def test_areas_per_budget_year(md, repo_root, tmp_path):
    # 2026's budget names its own areas; the 2025 report keeps the profile's
    assert "*Förskola och skola*" in md and "Barn och utbildning" not in md
    proc = _run("build", "--project", str(repo_root / SJOVALLA), "tertial2-2025", "--format", "md", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    old = (tmp_path / "tertial2-2025" / "tertial2-2025.md").read_text(encoding="utf-8")
    assert "*Barn och utbildning*" in old and "Förskola och skola" not in old


def test_comparison_report_broken_is_an_error_at_its_line(repo_root, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(repo_root / SJOVALLA, proj, ignore=shutil.ignore_patterns("out"))
    f = proj / "data" / "outcomes" / "tertial2-2025.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("nya_bostader: {utfall: 140}", "nya_bostader: {utfal: 140}"),
                 encoding="utf-8")
    proc = _run("check", "--no-cache", "--project", str(proj), "tertial2-2026")
    assert proc.returncode == 1
    assert "data/outcomes/tertial2-2026.yaml:14:15: RR545 Jämförelserapporten 'tertial2-2025' kan inte läsas: " \
           "data/outcomes/tertial2-2025.yaml:15:18: RR010 Okänd nyckel 'utfal'" in proc.stdout, proc.stdout


def test_docx_and_pdf(sjovalla):
    import docx
    import pypdf

    doc = docx.Document(str(sjovalla["docx"]))
    cells = {c.text.strip() for t in doc.tables for row in t.rows for c in row.cells}
    assert {"Uppdrag", "Tidplan", "Ansvarig", "Demokratiberedningen", "Information", "+11"} <= cells
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(sjovalla["pdf"])).pages)
    assert "Sjövalla kommun" in text and "Tertialrapport 2 2026" in text
    assert "Demokratiberedningen" in text and "kWh/" in text and "kr/invå" in text


def test_figures_with_units_never_break_in_the_pdf(sjovalla):
    """The energy metric (kWh/m²: 131 a year ago, target at most 120, 126 now) and the cost per
    inhabitant (kr/invånare: 2 080 a year ago, 2 150 now) stand in narrow table columns: each figure
    stays on one line with its whole unit, never broken after the slash or hyphenated."""
    import pypdf

    lines = {line.strip() for p in pypdf.PdfReader(str(sjovalla["pdf"])).pages
             for line in p.extract_text().replace("\u00a0", " ").splitlines()}
    words = " ".join(lines).split(" ")
    for figure in ("131 kWh/m²", "120 kWh/m²", "126 kWh/m²", "2 080 kr/invånare", "2 150 kr/invånare"):
        assert any(figure in line for line in lines), figure
    assert "kWh/" not in words and "kr/" not in words  # no unit cut at its slash


def test_heading_and_its_introduction_stay_with_the_table(sjovalla):
    """"Resultaträkning", its two sentences and the income statement are on one page: the
    heading and text used to end page 3 and the table start page 4."""
    import pypdf

    pages = [p.extract_text() for p in pypdf.PdfReader(str(sjovalla["pdf"])).pages]
    [page] = [p for p in pages if "Resultatet för perioden är i nivå med budget" in p]
    assert "Resultaträkning\n" in page and "Resultaträkning (mnkr)" in page
    assert "Verksamhetens intäkter" in page and "Årets resultat" in page


def test_check_cache_sees_the_comparison_report(repo_root, tmp_path):
    proj = tmp_path / "proj"
    shutil.copytree(repo_root / SJOVALLA, proj, ignore=shutil.ignore_patterns("out"))
    assert _run("check", "--project", str(proj), "tertial2-2026").returncode == 0
    again = _run("check", "--project", str(proj), "tertial2-2026")
    assert "1 oförändrad sedan förra kontrollen" in again.stderr
    f = proj / "data" / "outcomes" / "tertial2-2025.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("nya_bostader: {utfall: 140}", "nya_bostader: {utfall: 100}"),
                 encoding="utf-8")
    changed = _run("check", "--project", str(proj), "tertial2-2026")
    assert changed.returncode == 0 and "oförändrad" not in changed.stderr, changed.stderr


@pytest.mark.parametrize("setting,expected", [
    # a table without uppdragskolumner: Uppdrag | Analys
    ("uppdragsvisning: tabell\n", "| Utreda skolorganisationen på landsbygden | En första rapport lämnas till nämnden i december. |"),
    # a list: the responsible body, the status word and the analysis
    ("uppdragsvisning: lista\n", "- Utreda skolorganisationen på landsbygden (Barn- och utbildningsnämnden; pågår). "
                                 "En första rapport lämnas till nämnden i december."),
])
def test_assignments_as_analysis_table_or_list(repo_root, tmp_path, setting, expected):
    proj = tmp_path / "proj"
    shutil.copytree(repo_root / SJOVALLA, proj, ignore=shutil.ignore_patterns("out"))
    org = proj / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    old = "uppdragsvisning: tabell\nuppdragskolumner: [uppdrag, tidplan, ansvarig]\n"
    assert old in text
    org.write_text(text.replace(old, setting), encoding="utf-8")
    proc = _run("build", "--project", str(proj), "tertial2-2026", "--format", "md", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    out = (tmp_path / "out" / "tertial2-2026" / "tertial2-2026.md").read_text(encoding="utf-8")
    assert expected in out
    if setting.endswith("tabell\n"):
        assert table_header(out, "Uppdrag: fler elever når kunskapsmålen") == ["Uppdrag", "Analys"]
