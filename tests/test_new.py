"""`rapport new`: the next period's outcomes file from the last one."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from regionrapport.diagnostics import Collector
from regionrapport.project import load_project, load_report

SRC = "delar-mars-2025"


def rapport(*args, cwd: Path):
    return subprocess.run([sys.executable, "-m", "regionrapport.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "CI": "1"})


def data(root: Path, rid: str) -> dict:
    return yaml.safe_load((root / "data" / "outcomes" / f"{rid}.yaml").read_text(encoding="utf-8"))


def text(root: Path, rid: str) -> str:
    return (root / "data" / "outcomes" / f"{rid}.yaml").read_text(encoding="utf-8")


@pytest.fixture
def august(project_copy) -> Path:
    r = rapport("new", "delar-aug-2025", "--from", SRC, cwd=project_copy)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("data/outcomes/delar-aug-2025.yaml")
    return project_copy


def test_period_year_and_date_are_set(august):
    new = data(august, "delar-aug-2025")["rapport"]
    assert new["period"] == "augusti" and new["ar"] == 2025
    assert str(new["datum"]) == "2025-08-31"
    assert new["titel"] == "Delårsrapport per augusti 2025"
    assert new["budget"] == data(august, SRC)["rapport"]["budget"]


def test_figures_outcomes_and_comments_are_emptied(august):
    old, new = data(august, SRC), data(august, "delar-aug-2025")
    structure = {"namn", "summa", "kontroll", "varav", "decimaler"}  # how a post is shown is not a figure
    assert list(new["poster"]) == list(old["poster"])  # every post, in the same order
    for pid, post in new["poster"].items():
        for key, value in post.items():
            if key in structure:
                assert value == old["poster"][pid][key]
            elif key in ("tryckt", "tryckt_avviker"):
                assert value == {}
            elif key in ("kommentar", "fotnot") or old["poster"][pid][key] is None:
                assert value is None, (pid, key, value)  # texts emptied; a "–" of the old report stays "–"
            else:
                assert value == "saknas", (pid, key, value)  # not yet known: never read as zero
    for mid, m in new["matetal"].items():
        assert m.get("utfall") is None and m.get("kommentar") is None and m.get("saknas") is None
        assert m.get("historik") == old["matetal"][mid].get("historik")  # earlier years are still earlier years
    for aid, a in new["uppdrag"].items():
        assert a["status"] == old["uppdrag"][aid]["status"]
        assert set(a.get("kommentarer", {})) == set(old["uppdrag"][aid].get("kommentarer", {}))
        assert all(c == "" for c in a.get("kommentarer", {}).values())
    assert all(a["bedomning"] is None and a["text"] is None for a in new["omraden"].values())
    assert new["tabeller"].keys() == old["tabeller"].keys()
    for s in new.get("serier", {}).values():
        assert s["period"] == "augusti" and all(v is None for v in s["varden"].values())


def test_comments_order_and_schema_line_are_kept(august):
    old, new = text(august, SRC), text(august, "delar-aug-2025")
    assert new.splitlines()[0] == old.splitlines()[0].strip() and "yaml-language-server" in new.splitlines()[0]
    assert "tryckt: {}" in new and "rapport check delar-aug-2025" in new.splitlines()[5]
    # YAML comments; "## …" lines are Markdown headings inside texts, which `new` empties
    comments = lambda t: [line.strip() for line in t.splitlines()  # noqa: E731
                          if line.strip().startswith("#") and not line.strip().startswith("##")]
    assert [c for c in comments(old) if c in comments(new)] == comments(old)
    top = lambda t: [line.split(":")[0] for line in t.splitlines() if re.match(r"^[a-z]", line)]  # noqa: E731
    assert top(new) == top(old)


def test_scaffold_loads_and_validates(august):
    project = load_project(august)
    collector = Collector()
    report = load_report(project, "delar-aug-2025", collector)
    assert report is not None
    loading = [d for d in collector.errors if d.code < "RR100"]  # syntax, types, unknown keys
    assert loading == []


def test_never_overwrites(august):
    before = text(august, "delar-aug-2025")
    r = rapport("new", "delar-aug-2025", "--from", SRC, cwd=august)
    assert r.returncode == 2 and "finns redan" in r.stderr and "Traceback" not in r.stderr
    assert text(august, "delar-aug-2025") == before
    r = rapport("new", SRC, "--from", "delar-aug-2025", cwd=august)
    assert r.returncode == 2


def test_period_option_and_refusals(project_copy):
    r = rapport("new", "delar-q2-2025", "--from", SRC, cwd=project_copy)
    assert r.returncode == 2 and "--period" in r.stderr
    r = rapport("new", "delar-q2-2025", "--from", SRC, "--period", "juni", cwd=project_copy)
    assert r.returncode == 2 and "mars, augusti, helar" in r.stderr
    r = rapport("new", "delar-q2-2025", "--from", "finns-inte", "--period", "augusti", cwd=project_copy)
    assert r.returncode == 2 and SRC in r.stderr
    r = rapport("new", "helar-2025", "--from", SRC, "--datum", "2026-02-20", cwd=project_copy)
    assert r.returncode == 0, r.stderr
    header = data(project_copy, "helar-2025")["rapport"]
    assert header["period"] == "helar" and str(header["datum"]) == "2026-02-20"
    assert not (project_copy / "data" / "outcomes" / "delar-q2-2025.yaml").exists()


def test_next_year_same_period_carries_last_years_figures(project_copy):
    r = rapport("new", "delar-mars-2026", "--from", SRC, cwd=project_copy)
    assert r.returncode == 0, r.stderr
    assert "budget-2025" in r.stderr  # no budget-2026 yet: said, not guessed
    old, new = data(project_copy, SRC), data(project_copy, "delar-mars-2026")
    assert new["rapport"]["ar"] == 2026 and new["rapport"]["titel"] == "Delårsrapport per mars 2026"
    unit = new["poster"]["sjukhusvard"]
    assert unit["utfall"] == "saknas" and unit["utfall_fg_ar"] == old["poster"]["sjukhusvard"]["utfall"] == -1048
    # Metric history is not invented: the interim outcome of 2025 is not the year's outcome.
    assert new["matetal"]["besvarade_samtal"]["historik"] == old["matetal"]["besvarade_samtal"]["historik"]


def test_scaffold_builds_before_its_figures_are_filled_in(august):
    """An empty next period must still build (a draft for the analysts): no chart without data."""
    r = rapport("build", "delar-aug-2025", "--format", "md,docx", cwd=august)
    assert r.returncode == 0, r.stderr
    md = (august / "out" / "delar-aug-2025" / "delar-aug-2025.md").read_text(encoding="utf-8")
    assert "diagram-kostnader.png" not in md  # the cost series has no values yet


def test_period_words_rewritten_where_they_name_the_period(august):
    """Headers that name the report's period follow it, in columns, table headings and a
    table's own column headers; a date that is the old period's last day moves to the new
    period's (the source's balance-sheet columns 2025-03-31 / 2024-03-31 / 2023-03-31)."""
    new = text(august, "delar-aug-2025")
    for old_header, new_header in (('rubrik: "Utfall jan–mar"', 'rubrik: "Utfall jan–aug"'),
                                   ('rubrik: "2025-03-31"', 'rubrik: "2025-08-31"'),
                                   ('rubrik: "2024-03-31"', 'rubrik: "2024-08-31"'),
                                   ("rubrik: Övriga intäkter januari–mars", "rubrik: Övriga intäkter januari–augusti")):
        assert old_header not in new and new_header in new


def test_header_tied_to_a_fixed_date_is_kept(project_copy):
    f = project_copy / "data" / "outcomes" / f"{SRC}.yaml"
    src = f.read_text(encoding="utf-8")
    old = '      - {kolumn: utfall_fg2_ar, rubrik: "2023-03-31"}\n'
    assert src.count(old) == 1
    f.write_text(src.replace(old, old.replace('"2023-03-31"', '"Bokslut 2024-12-31"')).replace(
        'rubrik: Övriga intäkter januari–mars', 'rubrik: Övriga intäkter januari–mars (skatteunderlag 1 mars 2025)'),
        encoding="utf-8")
    r = rapport("new", "delar-mars-2026", "--from", SRC, cwd=project_copy)
    assert r.returncode == 0, r.stderr
    new = text(project_copy, "delar-mars-2026")
    assert 'rubrik: "Bokslut 2024-12-31"' in new  # a fixed day: neither its year nor its month moves
    assert 'rubrik: "2026-03-31"' in new and 'rubrik: "2025-03-31"' in new  # the period's last day, a year on
    assert "Övriga intäkter januari–mars (skatteunderlag 1 mars 2025)" in new
    assert data(project_copy, "delar-mars-2026")["rapport"]["titel"] == "Delårsrapport per mars 2026"


def test_the_comparison_report_moves_on_a_year(tmp_path):
    """Sjövalla's tertial 2 2026 compares with tertial 2 2025. Its successor a year later
    compares with tertial 2 2026, the report it is made from (it kept tertial2-2025, two years
    back, shown as the year before); another period is left for the user, with a note."""
    root = tmp_path / "sjovalla"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "sjovalla-kommun", root)
    r = rapport("new", "tertial2-2027", "--from", "tertial2-2026", cwd=root)
    assert r.returncode == 0, r.stderr
    assert data(root, "tertial2-2027")["rapport"]["jamforelse"] == "tertial2-2026"
    # the analyst's judgement of a metric (and its reason) belongs to the period judged
    old_metric = data(root, "tertial2-2026")["matetal"]["bygglov_tid"]
    new_metric = data(root, "tertial2-2027")["matetal"]["bygglov_tid"]
    assert old_metric["bedomd_status"] == "gul" and old_metric["skal"]
    assert new_metric["bedomd_status"] is None and new_metric["skal"] is None
    assert "Jämförelserapporten är nu tertial2-2026" in r.stdout + r.stderr
    r = rapport("new", "tertial1-2027", "--from", "tertial2-2026", cwd=root)
    assert r.returncode == 0, r.stderr
    assert data(root, "tertial1-2027")["rapport"]["jamforelse"] == "tertial2-2025"
    assert "ändra rapport.jamforelse" in r.stdout + r.stderr


def test_a_year_no_date_can_have_is_a_diagnostic(project_copy):
    """Year 0 in the name, or a header date moved back past year 1: RR575 with the line, no traceback, no file."""
    outcomes = project_copy / "data" / "outcomes"
    before = sorted(p.name for p in outcomes.iterdir())
    src = (outcomes / f"{SRC}.yaml").read_text(encoding="utf-8").splitlines()
    ar_line = next(i for i, line in enumerate(src, 1) if re.match(r"\s+ar:\s*2025", line))
    header_line = next(i for i, line in enumerate(src, 1) if 'rubrik: "2024-03-31"' in line)

    r = rapport("new", "delar-mars-0000", "--from", SRC, cwd=project_copy)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"data/outcomes/{SRC}.yaml:{ar_line}:1: RR575" in r.stderr
    assert "året 0 i namnet 'delar-mars-0000'" in r.stderr and "mellan 1 och 9999" in r.stderr and "tips:" in r.stderr

    # 2025 -> 0001 moves last year's column header 2024-03-31 to year 0
    r = rapport("new", "delar-mars-0001", "--from", SRC, cwd=project_copy)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"data/outcomes/{SRC}.yaml:{header_line}:1: RR575" in r.stderr
    assert "datumet '2024-03-31' flyttat till år 0" in r.stderr
    assert sorted(p.name for p in outcomes.iterdir()) == before
