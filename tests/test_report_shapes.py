"""Shapes of a report from data and organisation.yaml alone (issue 15): number formats per
column and per row, a short report kind without title page or contents, page breaks before
chapters, a post's own footnote and commentary, and captions that name a unit once.

The short report is Region Norrby's forecast per October (examples/region-norrby,
prognos-oktober-2025): its figures are the example's own (fictional) data, so the expected
cells below are read off that file: skatteintäkter change 4.0 printed "4,0 %", the
insurance refund 7.5 printed "7,5" in a table of whole mkr, finansnetto's change null
printed "–", soliditet 11.0 printed "11,0 %".
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from mdtables import table_header, table_rows

ROOT = Path(__file__).resolve().parent.parent
NORRBY = ROOT / "examples" / "region-norrby"
FORECAST = "prognos-oktober-2025"
NB = "\u00a0"


def rapport(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env={**os.environ, "CI": "1", "NO_COLOR": "1"})


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "norrby"
    shutil.copytree(NORRBY, dst, ignore=shutil.ignore_patterns("out"))
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _build(root: Path, report: str, formats: str = "md") -> Path:
    r = rapport("build", report, "--format", formats, cwd=root)
    assert r.returncode == 0, r.stdout + r.stderr
    return root / "out" / report


@pytest.fixture(scope="module")
def forecast(tmp_path_factory) -> Path:
    """The forecast report built in every format, from a copy of the example."""
    root = _copy(tmp_path_factory.mktemp("prognos"))
    r = rapport("check", FORECAST, "--strict", "--no-cache", cwd=root)
    assert r.returncode == 0 and "0 fel, 0 varningar" in r.stderr, r.stdout + r.stderr
    return _build(root, FORECAST, "md,docx,pdf")


def _md(out: Path) -> str:
    return (out / f"{out.name}.md").read_text(encoding="utf-8")


def _pdf_pages(out: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(out / f"{out.name}.pdf").pages]


def _docx_xml(out: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(out / f"{out.name}.docx") as z:
        return z.read(part).decode("utf-8")


# -- number formats per column and per row ------------------------------------------------
def test_percentage_column_beside_amounts(forecast):
    md = _md(forecast)
    caption = "Resultat, prognos för helåret (belopp i mkr)"
    header = table_header(md, caption)
    # the label column claims no unit for the whole table; the percentage column is headed as written
    assert header == ["", "Årsbudget", "Prognos", "Prognosavvikelse", "Förändring mot 2024"]
    rows = table_rows(md, caption)
    assert rows["Skatteintäkter"] == ["5" + NB + "030", "5" + NB + "058", "28", "4,0" + NB + "%"]  # trailing zero kept
    assert rows["Generella statsbidrag och utjämning"][3] == "2,3" + NB + "%"
    assert rows["Finansnetto"][3] == "–"  # null: printed "–", not left empty
    assert rows["Årets resultat"][3] == ""  # no figure in the column at all: empty, as the source prints it
    assert ": Resultat, prognos för helåret (mkr)" not in md


def test_one_row_with_decimals_in_a_table_of_whole_amounts(forecast):
    rows = table_rows(_md(forecast), "Resultat, prognos för helåret (belopp i mkr)")
    assert rows["varav försäkringsersättning efter vattenskadan"][:3] == ["–", "7,5", "7,5"]
    assert rows["Verksamhetens nettokostnad"][:3] == ["−7" + NB + "125", "−7" + NB + "176", "−51"]


def test_a_row_in_percent_keeps_its_trailing_zero(forecast):
    rows = table_rows(_md(forecast), "Finansiella nyckeltal")
    assert rows["Soliditet"] == ["10,5" + NB + "%", "11,0" + NB + "%"]


def test_column_decimals_and_unit(tmp_path):
    root = _copy(tmp_path)
    f = root / "data" / "outcomes" / f"{FORECAST}.yaml"
    _edit(f, 'forandring_fg_ar: {rubrik: "Förändring mot {fg_ar}", format: procent}',
          'forandring_fg_ar: {rubrik: "Förändring mot {fg_ar}", format: procent, decimaler: 0}\n'
          '  per_invanare: {rubrik: "Prognos per invånare", enhet: kr/invånare}')
    _edit(f, "  soliditet:\n", "  per_invanare_post:\n    namn: Nettokostnad\n    per_invanare: 24312\n  soliditet:\n")
    _edit(f, "      - {post: resultat_andel, format: procent}\n",
          "      - {post: resultat_andel, format: procent}\n"
          "  per_invanare_tabell:\n    rubrik: Kostnad per invånare\n    kolumner: [prognos, per_invanare]\n"
          "    rader: [per_invanare_post]\n")
    _edit(root / "organisation.yaml", "{tabell: nyckeltal}]}", "{tabell: nyckeltal}, {tabell: per_invanare_tabell}]}")
    md = _md(_build(root, FORECAST))
    rows = table_rows(md, "Resultat, prognos för helåret (belopp i mkr)")
    assert rows["Skatteintäkter"][3] == "4" + NB + "%"  # the column's own decimaler: 0
    # a column with a unit of its own names it in its header; the table claims no single unit
    assert table_header(md, "Kostnad per invånare (belopp i mkr)") == ["", "Prognos", "Prognos per invånare, kr/invånare"]
    assert table_rows(md, "Kostnad per invånare (belopp i mkr)")["Nettokostnad"] == ["–", "24" + NB + "312"]


# -- captions and a post's own texts ------------------------------------------------------------
def test_a_heading_that_names_the_unit_gets_it_once(forecast):
    md = _md(forecast)
    assert ": Nämndernas prognos (mkr)\n" in md
    assert "(mkr) (mkr)" not in md
    assert ": Finansiella nyckeltal (procent)\n" in md  # the table's own unit, once


def test_kronoberg_caption_in_percent_is_not_repeated(repo_root, tmp_path):
    from regionrapport.commands.check import check_report
    from regionrapport.project import load_project
    from regionrapport.render.markdown import render_markdown

    report, _ = check_report(load_project(repo_root), "delar-mars-2025")
    md = render_markdown(report)
    assert ": Sjukfrånvaro i procent av ordinarie arbetstid\n" in md  # was "... arbetstid (procent)"
    assert ": Resultaträkning (mnkr)\n" in md


def test_post_footnote_and_commentary_are_shown(forecast):
    md = _md(forecast)
    assert ("Varav försäkringsersättning efter vattenskadan: Ersättningen är beslutad av försäkringsbolaget "
            "men ännu inte utbetald.") in md
    # the commentary of a post that is no committee, under the table that shows it
    assert "**Finansnetto.** Finansnettot blir bättre än budgeterat" in md
    text = " ".join(" ".join(_pdf_pages(forecast)).split())
    assert "Ersättningen är beslutad av försäkringsbolaget" in text and "Finansnettot blir bättre" in text


def test_committee_commentary_stays_in_the_committee_section(tmp_path):
    root = _copy(tmp_path)
    md = _md(_build(root, "tertial2-2025"))
    # hvn's commentary: once, in the committee section (not again under a table)
    assert md.count("Hälso- och vårdnämnden redovisar ett underskott mot periodens budget") == 1


# -- a short report kind: no title page, no contents ----------------------------------------
def test_short_forecast_is_one_page_without_cover_or_contents(forecast):
    pages = _pdf_pages(forecast)
    assert len(pages) == 1
    first = " ".join(pages[0].split())
    for text in ("Region Norrby", "Prognos per oktober 2025", "Helårsprognos till regionstyrelsen",
                 "12 november 2025", "Resultat, prognos för helåret", "Finansiella nyckeltal"):
        assert text in first
    assert "Innehåll" not in first
    doc = _docx_xml(forecast)
    assert "TOC \\o" not in doc and 'w:type="page"' not in doc  # no contents field, no forced page break
    styles = _docx_xml(forecast, "word/styles.xml")
    title = re.search(r'<w:style [^>]*w:styleId="Title".*?</w:style>', styles, re.S).group(0)
    assert 'w:before="0"' in title  # the title at the top of the page, not a cover's 3200 twips down


def test_default_kind_keeps_cover_and_contents(tmp_path):
    out = _build(_copy(tmp_path), "tertial2-2025", "docx,pdf")
    pages = _pdf_pages(out)
    assert "Tertialrapport 2 2025" in pages[0] and "Resultat i sammandrag" not in pages[0]
    assert "Innehåll" in pages[1]
    doc = _docx_xml(out)
    assert "TOC \\o" in doc and 'w:type="page"' in doc


def test_cover_shows_the_subtitle_in_pdf_and_docx(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "organisation.yaml", "framsida: false, ", "")
    out = _build(root, FORECAST, "docx,pdf")
    pages = _pdf_pages(out)
    assert len(pages) == 2  # a title page, then the body
    assert "Helårsprognos till regionstyrelsen" in pages[0] and "Finansiella nyckeltal" not in pages[0]
    assert "Helårsprognos till regionstyrelsen" in _docx_xml(out)


def test_page_break_before_each_chapter(tmp_path):
    root = _copy(tmp_path)
    _edit(root / "organisation.yaml", "  tertial:\n", "  tertial:\n    sidbrytning: true\n")
    out = _build(root, "tertial2-2025", "md,docx,pdf")
    chapters = [line[2:].strip() for line in _md(out).splitlines() if line.startswith("# ")]
    assert len(chapters) >= 3, chapters
    pages = _pdf_pages(out)
    # every chapter (niva 1) opens a page: its heading is the first line under the running header
    starts = [p.splitlines()[1].strip() if len(p.splitlines()) > 1 else "" for p in pages]
    assert all(c in starts for c in chapters), (chapters, starts)
    styles = _docx_xml(out, "word/styles.xml")
    h1 = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)
    assert re.search(r"<w:pageBreakBefore ?/>", h1), h1


# -- rapport init: one naming scheme for the periods --------------------------------------------
def test_init_names_its_periods_in_one_scheme():
    import yaml

    org = yaml.safe_load((ROOT / "src" / "regionrapport" / "scaffold" / "organisation.yaml").read_text(encoding="utf-8"))
    names = [p["namn"] for p in org["perioder"].values()]
    assert names == ["delår per april", "delår per augusti", "helår"]
    assert not any("tertial" in n for n in names)


def test_column_decimals_between_the_posts_and_the_tables(tmp_path):
    """Row, then post, then column, then table: a table in tenths keeps a column of whole mkr."""
    root = _copy(tmp_path)
    _edit(root / "organisation.yaml", 'prognos_avvikelse: {rubrik: "Prognosavvikelse"}',
          'prognos_avvikelse: {rubrik: "Prognosavvikelse", decimaler: 0}')
    f = root / "data" / "outcomes" / f"{FORECAST}.yaml"
    _edit(f, "    rubrik: Nämndernas prognos (mkr)\n", "    rubrik: Nämndernas prognos (mkr)\n    decimaler: 1\n")
    _edit(f, "      - tmn\n", "      - {post: tmn, decimaler: 2}\n")
    rows = table_rows(_md(_build(root, FORECAST)), "Nämndernas prognos (mkr)")
    assert rows["Hälso- och vårdnämnden"] == ["−5" + NB + "760,0", "−5" + NB + "848,0", "−88"]
    assert rows["Trafik- och miljönämnden"] == ["−655,00", "−646,00", "9,00"]  # the row's own setting wins
