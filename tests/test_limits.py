"""Issue 12, "nothing unbounded": inputs too large for a case file (generated here) and
the limits of the text language. Each generated input is sized so that a linear
check takes well under a second and a quadratic or recursive one fails or hangs."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from regionrapport.cli import main
from regionrapport.commands.check import check
from regionrapport.diagnostics import ReportError
from regionrapport.project import load_project
from regionrapport.render.markdown import render_markdown
from regionrapport.compute.texts import MAX_OUTPUT, TextError, compile_text, render_text

REPORT = "delar-mars-2025"
OUTCOMES = f"data/outcomes/{REPORT}.yaml"


def _insert_posts(root, lines: str) -> int:
    """Insert post lines at the top of `poster:`; the 1-based line of the first one."""
    f = root / OUTCOMES
    text = f.read_text(encoding="utf-8")
    at = text.index("\nposter:\n") + len("\nposter:\n")
    f.write_text(text[:at] + lines + text[at:], encoding="utf-8")
    return text[:at].count("\n") + 1


def _check(root):
    project = load_project(root)
    result = check(project, [REPORT])
    return result.reports[REPORT], result.diagnostics


def test_a_chain_of_1500_sums_is_derived_without_recursion(project_copy):
    """Each post the sum of the next: once Python's recursion limit at ~1 500 posts."""
    n = 1500
    _insert_posts(project_copy, "".join(f"  kedja_{i}: {{namn: K{i}, summa: [kedja_{i + 1}]}}\n" for i in range(n))
                  + f"  kedja_{n}: {{namn: K{n}, utfall: 7}}\n")
    report, diags = _check(project_copy)
    assert [d for d in diags if d.severity == "error"] == []
    assert report.ledger.value("kedja_0", "utfall") == 7


def test_a_cycle_through_1500_sums_is_one_short_located_rr109(project_copy):
    n = 1500
    first = _insert_posts(project_copy, "".join(f"  kedja_{i}: {{namn: K{i}, summa: [kedja_{(i + 1) % n}]}}\n" for i in range(n)))
    _, diags = _check(project_copy)
    cycles = [d for d in diags if d.code == "RR109"]
    assert len(cycles) == 1
    assert cycles[0].file == OUTCOMES and cycles[0].line == first  # the first post of the chain, its summa term
    assert "K0 → K1" in cycles[0].message and "(1491 till)" in cycles[0].message and len(cycles[0].message) < 200


def test_a_relation_with_5000_repeated_terms_is_merged_once(project_copy):
    """One relation with 5 000 repeated terms took 144 s (every column solved against every
    copy of the relation); the terms are merged when the relation is read."""
    f = project_copy / OUTCOMES
    terms = " + ".join(["rel_del"] * 5000)
    text = f.read_text(encoding="utf-8")
    text = text.replace("\nkolumner:\n", "\nkolumner:\n  rel_del: {rubrik: Del}\n  rel_summa: {rubrik: Summa}\n", 1)
    text = text.replace("\nrelationer:\n", f"\nrelationer:\n  - rel_summa = {terms}\n", 1)
    f.write_text(text, encoding="utf-8")
    _insert_posts(project_copy, "  rel_post: {namn: R, rel_del: 2}\n")
    report, diags = _check(project_copy)
    assert [d for d in diags if d.severity == "error"] == []
    assert report.ledger.value("rel_post", "rel_summa") == 10000


def test_the_metric_comment_counts_render_in_the_built_markdown(project_copy):
    """A documented helper in a metric's comment recursed forever; now it shows the same
    counts as the area text beside it."""
    f = project_copy / OUTCOMES
    old = "    kommentar: Inte heller i fjol fanns något värde per mars. För helåret 2024 blev förtroendet 66 %.\n"
    text = f.read_text(encoding="utf-8")
    assert old in text
    f.write_text(text.replace(old, "    kommentar: \"RÄKNAT {{ uppfyllda('vard_for_alla') }} av {{ antal('vard_for_alla') }}\"\n"),
                 encoding="utf-8")
    report, diags = _check(project_copy)
    assert not [d for d in diags if d.severity == "error"]
    md = render_markdown(report)
    area = md[md.index("Inom målet Vården är till för alla når"):][:200]
    shown = md[md.index("RÄKNAT ") + len("RÄKNAT "):].split(" |")[0]
    assert shown.split(" av ")[0] in area and f"av {shown.split(' av ')[1]}" in area


def test_a_text_whose_output_passes_the_cap_is_stopped():
    helpers = {"antal": lambda: 1}
    template = compile_text("x" * (MAX_OUTPUT // 2) + "{{ antal() }}" + "y" * (MAX_OUTPUT // 2 + 10), helpers)
    with pytest.raises(TextError) as e:
        render_text(template, helpers)
    assert e.value.code == "RR624"


def test_a_deeply_nested_expression_is_refused_not_a_recursion_error():
    with pytest.raises(TextError) as e:
        compile_text("{{ " + "(" * 400 + "1" + ")" * 400 + " }}", {})
    assert e.value.code == "RR622"


@pytest.mark.parametrize("source", ["{{ 1 + 'a' }}", "{{ -'a' }}", "{{ 7 // 0 }}", "{{ 7 % 0 }}"])
def test_arithmetic_takes_numbers_only_and_never_divides_by_zero(source):
    with pytest.raises(TextError):
        render_text(compile_text(source, {}), {})


def test_a_report_id_of_300_characters_is_refused_plainly(project_copy):
    result = CliRunner().invoke(main, ["check", "--project", str(project_copy), "r" * 300])
    assert result.exit_code == 2, result.output
    assert "RR110" in result.output and "300 tecken" in result.output and "Traceback" not in result.output


def test_the_build_stops_on_a_bad_text_before_writing(project_copy, tmp_path):
    f = project_copy / OUTCOMES
    old = "    kommentar: Inte heller i fjol fanns något värde per mars. För helåret 2024 blev förtroendet 66 %.\n"
    f.write_text(f.read_text(encoding="utf-8").replace(old, '    kommentar: "{{ 1 / 0 }}"\n'), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--project", str(project_copy), REPORT, "--format", "md", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "RR622" in result.output and "Division med noll" in result.output
    assert not list(out.rglob("*.md"))


def test_load_errors_never_escape_as_tracebacks(project_copy):
    (project_copy / OUTCOMES).write_text((project_copy / OUTCOMES).read_text(encoding="utf-8")
                                         .replace("utfall: -1048", "utfall: .nan"), encoding="utf-8")
    with pytest.raises(ReportError) as e:
        from regionrapport.load import load_file
        load_file(project_copy / OUTCOMES, project_copy)
    assert [d.code for d in e.value.diagnostics] == ["RR620"]


def _exponential_breakdown(root, levels: int) -> None:
    """e_0 varav [e_1, e_1], e_1 varav [e_2, e_2] ...: 2^levels rows once unfolded."""
    _insert_posts(root, "".join(f"  e_{i}: {{namn: E{i}, utfall: 1, varav: {{fullstandig: false, rader: [e_{i + 1}, e_{i + 1}]}}}}\n"
                                for i in range(levels)) + f"  e_{levels}: {{namn: E{levels}, utfall: 1}}\n")
    f = root / OUTCOMES
    text = f.read_text(encoding="utf-8")
    anchor = "    visa_varav: true\n    rader:\n      - hsn\n"
    assert text.count(anchor) == 1
    f.write_text(text.replace(anchor, anchor + "      - e_0\n"), encoding="utf-8")


def test_a_breakdown_that_unfolds_exponentially_is_refused_by_check(project_copy):
    _exponential_breakdown(project_copy, 40)
    _, diags = _check(project_copy)
    found = [d for d in diags if d.code == "RR625"]
    assert len(found) == 1 and "driftredovisning" in found[0].message
    text = (project_copy / OUTCOMES).read_text(encoding="utf-8").splitlines()
    assert text[found[0].line - 1].strip() == "visa_varav: true"


def test_a_breakdown_cycle_is_shown_once_not_forever(project_copy):
    _insert_posts(project_copy, "  c_a: {namn: CA, utfall: 1, varav: {fullstandig: false, rader: [c_b]}}\n"
                                "  c_b: {namn: CB, utfall: 1, varav: {fullstandig: false, rader: [c_a]}}\n")
    f = project_copy / OUTCOMES
    anchor = "    visa_varav: true\n    rader:\n      - hsn\n"
    f.write_text(f.read_text(encoding="utf-8").replace(anchor, anchor + "      - c_a\n"), encoding="utf-8")
    report, diags = _check(project_copy)
    assert not [d for d in diags if d.severity == "error"], diags
    md = render_markdown(report)
    assert md.count("| CA ") == 1 and md.count("*CB*") == 1  # c_a, c_b under it, and not c_a again under c_b


def test_a_chain_of_3000_missing_sums_in_a_table_is_traced_once(project_copy):
    """RR534 traced each missing cell of a table back to its `saknas` figure afresh: a
    chain of n missing sums shown in a table was n² steps (2 000 posts took 14 s)."""
    n = 3000
    _insert_posts(project_copy, "".join(f"  kedja_{i}: {{namn: K{i}, summa: [kedja_{i + 1}]}}\n" for i in range(n))
                  + f"  kedja_{n}: {{namn: K{n}, utfall: saknas}}\n")
    f = project_copy / OUTCOMES
    text = f.read_text(encoding="utf-8")
    assert "    rader:\n      - hsn\n" in text
    f.write_text(text.replace("    rader:\n      - hsn\n",
                              "    rader:\n" + "".join(f"      - kedja_{i}\n" for i in range(n)) + "      - hsn\n", 1),
                 encoding="utf-8")
    _, diags = _check(project_copy)
    missing = [d for d in diags if d.code == "RR534" and d.message.startswith(f"K{n}, utfall")]
    assert len(missing) == 1
    assert "K0 (utfall) i tabellen Resultat per nämnd; K1 (utfall)" in missing[0].message
    assert missing[0].message.endswith(" …")


def test_a_table_showing_a_chain_of_1500_varav_rows_is_checked_without_recursion(project_copy):
    """The unshown-figure check unfolded a table's varav rows recursively: a RecursionError
    at a chain of ~1 000 varav rows shown with visa_varav."""
    n = 1500
    _insert_posts(project_copy, "".join(f"  kedja_{i}: {{namn: K{i}, utfall: 1, varav: {{rader: [kedja_{i + 1}], "
                                        f"fullstandig: false}}}}\n" for i in range(n))
                  + f"  kedja_{n}: {{namn: K{n}, utfall: 1}}\n")
    f = project_copy / OUTCOMES
    text = f.read_text(encoding="utf-8")
    assert "    rader:\n      - hsn\n" in text
    f.write_text(text.replace("    rader:\n      - hsn\n", "    visa_varav: true\n    rader:\n      - kedja_0\n      - hsn\n", 1),
                 encoding="utf-8")
    _, diags = _check(project_copy)
    assert [d for d in diags if d.severity == "error"] == []


def test_a_chain_of_wrong_printed_sums_is_grouped_within_bounded_memory(project_copy):
    """Each derived figure remembers the figures it depends on, to group problems that
    one figure explains: a chain of n sums, each with a wrong printed total, held n²/2 of
    them (4 000 posts: 0.8 GB, 14 s). Past a bound the problems stand ungrouped, each
    still reported at its own line (below it, they are one diagnostic at K2999)."""
    import tracemalloc

    n = 3000
    _insert_posts(project_copy, "".join(f"  kedja_{i}: {{namn: K{i}, summa: [kedja_{i + 1}, blad_{i}], "
                                        f"tryckt: {{utfall: {10 ** 6 + i}}}}}\n  blad_{i}: {{namn: B{i}, utfall: 1}}\n"
                                        for i in range(n))
                  + f"  kedja_{n}: {{namn: K{n}, utfall: 1}}\n")
    tracemalloc.start()
    try:
        _, diags = _check(project_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    wrong = [d for d in diags if d.severity == "error" and d.code in ("RR200", "RR201")]
    assert wrong and all(d.file == OUTCOMES for d in wrong)  # found and reported at their lines
    assert peak < 200 * 2 ** 20, f"peak {peak / 2 ** 20:.0f} MB"
