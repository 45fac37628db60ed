"""The ledger: sums, relations, printed totals, breakdowns and their tolerances."""
import pytest

from regionrapport.compute import Ledger, PostDef, parse_relation
from regionrapport.compute.ledger import Where

RELS = [parse_relation("avvikelse = utfall - budget"), parse_relation("prognos = arsbudget + prognos_avvikelse")]


def ledger(**posts):
    return Ledger({k: v for k, v in posts.items()}, RELS)


def P(pid, **kw):
    special = ("summa", "tryckt", "varav", "fullstandig", "kontroll", "avviker")
    values = {k: v for k, v in kw.items() if k not in special}
    return PostDef(pid, namn=pid, values=values, summa=kw.get("summa"), tryckt=kw.get("tryckt", {}),
                   varav=kw.get("varav", []), varav_fullstandig=kw.get("fullstandig", False),
                   kontroll=kw.get("kontroll", []), tryckt_avviker=kw.get("avviker", {}))


def test_relation_derives_deviation_and_solves_for_missing_term():
    led = ledger(a=P("a", utfall=-1353, budget=-1390), b=P("b", arsbudget=172, prognos=236))
    assert led.value("a", "avvikelse") == 37
    assert led.value("b", "prognos_avvikelse") == 64


def test_printed_deviation_within_tolerance_is_shown():
    led = ledger(a=P("a", utfall=-1956, budget=-2098, tryckt={"avvikelse": 143}))
    v = led.get("a", "avvikelse")
    assert (v.v, v.computed, v.how) == (143, 142, "tryckt")
    assert led.findings == []


def test_printed_total_outside_tolerance_is_a_finding():
    led = ledger(x=P("x", utfall=10), y=P("y", utfall=20), s=P("s", summa=["x", "y"], tryckt={"utfall": 32}))
    assert led.value("s", "utfall") == 30
    assert [(f.code, f.where) for f in led.findings] == [("RR201", Where("tryckt", "utfall"))]
    assert "tolerans 1" in led.findings[0].message


def test_sum_with_negated_term_and_missing_parts():
    led = ledger(i=P("i", utfall=520), k=P("k", utfall=2476), n=P("n", summa=["i", "-k"]), e=P("e", budget=1))
    assert led.value("n", "utfall") == -1956
    assert led.value("n", "budget") is None


def test_tolerance_grows_with_each_summed_row():
    parts = {f"p{i}": P(f"p{i}", utfall=1) for i in range(6)}
    led = ledger(**parts, s=P("s", summa=list(parts), tryckt={"utfall": 9}))
    led.get("s", "utfall")
    assert led.findings == []  # |9 − 6| = 3 = 6 × 0.5
    led2 = ledger(**parts, s=P("s", summa=list(parts), tryckt={"utfall": 9.5}))
    led2.get("s", "utfall")
    assert [f.code for f in led2.findings] == ["RR201"]


def test_complete_breakdown_checked_and_partial_may_be_smaller():
    led = ledger(u1=P("u1", utfall=-1048), u2=P("u2", utfall=-304),
                 c=P("c", utfall=-1358, varav=["u1", "u2"], fullstandig=True))
    led.evaluate_all(["utfall"])
    assert [f.code for f in led.findings] == ["RR202"]
    msg = led.findings[0].message
    assert "\u22121\u00a0352" in msg and "\u22121\u00a0358" in msg and "diff 6, tolerans 1" in msg

    led = ledger(u1=P("u1", utfall=-44), u2=P("u2", utfall=-16),
                 c=P("c", utfall=-79, varav=["u1", "u2"], fullstandig=False))
    led.evaluate_all(["utfall"])
    assert led.findings == []
    led = ledger(u1=P("u1", utfall=-70), u2=P("u2", utfall=-16),
                 c=P("c", utfall=-79, varav=["u1", "u2"], fullstandig=False))
    led.evaluate_all(["utfall"])
    assert [f.code for f in led.findings] == ["RR203"]


def test_complete_breakdown_derives_a_missing_total():
    led = ledger(u1=P("u1", utfall=3), u2=P("u2", utfall=4), c=P("c", varav=["u1", "u2"], fullstandig=True))
    assert led.value("c", "utfall") == 7


def test_control_sum_disagreement():
    led = ledger(a=P("a", utfall=100), b=P("b", utfall=50), c=P("c", utfall=30),
                 t=P("t", summa=["a", "b"], kontroll=[["c"]]))
    led.evaluate_all(["utfall"])
    assert [(f.code, f.where) for f in led.findings] == [("RR204", Where("kontroll", 0))]  # the first alternative


def test_stored_relation_terms_must_agree():
    led = ledger(a=P("a", utfall=-79, budget=-113, avvikelse=40))
    led.evaluate_all(["utfall", "budget", "avvikelse"])
    assert [(f.code, f.where) for f in led.findings] == [("RR205", Where("val", "avvikelse"))]  # the stored target


@pytest.mark.parametrize("text", ["a = b -", "= b", "a = b + + c", "a = 2 * b"])
def test_bad_relations_are_refused(text):
    with pytest.raises(ValueError):
        parse_relation(text)


# --- printed totals are never accepted unchecked ----------------------------------------------

def _deviation_only_committees(**result):
    """Committees that carry only deviations (no outcome): the result's parts give no utfall.
    Revenue 1 000 and costs 630 give the true result 1 000 − 630 = 370."""
    return ledger(c1=P("c1", avvikelse=12), c2=P("c2", avvikelse=-4),
                  intakter=P("intakter", utfall=1000), kostnader=P("kostnader", utfall=630),
                  resultat=P("resultat", summa=["c1", "c2"], **result))


def test_printed_figure_over_empty_parts_is_checked_by_its_control():
    led = _deviation_only_committees(tryckt={"utfall": 999}, kontroll=[["intakter", "-kostnader"]])
    v = led.get("resultat", "utfall")
    assert (v.v, v.how) == (370, "kontroll")  # the control computes the figure and is shown
    assert [f.code for f in led.findings] == ["RR201"]
    assert "tryckt värde 999 men intakter − kostnader ger 370" in led.findings[0].message


def test_control_computes_a_figure_the_parts_cannot():
    led = _deviation_only_committees(kontroll=[["intakter", "-kostnader"]])
    assert led.value("resultat", "utfall") == 370
    led = _deviation_only_committees(tryckt={"utfall": 370}, kontroll=[["intakter", "-kostnader"]])
    assert led.value("resultat", "utfall") == 370 and led.findings == []


def test_printed_figure_nothing_can_check_is_a_warning():
    led = _deviation_only_committees(tryckt={"utfall": 999})
    assert led.value("resultat", "utfall") == 999  # shown as printed, but said
    assert [(f.code, f.severity) for f in led.findings] == [("RR530", "warning")]
    assert "999 kan inte kontrolleras" in led.findings[0].message


def test_empty_cells_of_a_printed_total_are_written_null():
    """The source's empty cell is "–" (null): 33 + 6 + 9 + – = 48 is checked. A part with no value
    at all leaves the total unchecked, and that is said."""
    parts = dict(a=P("a", plan=33), b=P("b", plan=6), c=P("c", plan=9))
    led = ledger(**parts, d=P("d", plan=None), s=P("s", summa=["a", "b", "c", "d"], tryckt={"plan": 52}))
    assert led.value("s", "plan") == 48
    assert [f.code for f in led.findings] == ["RR201"]
    assert "tolerans 1,5" in led.findings[0].message  # three cells with a figure
    led = ledger(**parts, d=P("d"), s=P("s", summa=["a", "b", "c", "d"], tryckt={"plan": 52}))
    assert led.value("s", "plan") == 52
    assert [(f.code, f.severity) for f in led.findings] == [("RR530", "warning")]
    # without a printed figure, a column only some parts have still shows no total
    led = ledger(a=P("a", plan=33), d=P("d"), s=P("s", summa=["a", "d"]))
    assert led.value("s", "plan") is None


def _forecast_rows(printed, **extra):
    """Three rows shown in a table, each the sum of three units: 100 + 105 + 100 = 305."""
    units = {f"u{i}": P(f"u{i}", prognos=v) for i, v in enumerate([40, 30, 30, 35, 35, 35, 50, 25, 25])}
    rows = {f"r{j}": P(f"r{j}", summa=[f"u{3 * j}", f"u{3 * j + 1}", f"u{3 * j + 2}"]) for j in range(3)}
    return ledger(**units, **rows, total=P("total", summa=["r0", "r1", "r2"], tryckt={"prognos": printed}, **extra))


def test_tolerance_counts_the_direct_terms_not_the_leaves():
    led = _forecast_rows(309)
    assert [led.value(f"r{j}", "prognos") for j in range(3)] == [100, 105, 100]
    assert led.value("total", "prognos") == 305
    assert [f.code for f in led.findings] == ["RR201"]
    assert "tolerans 1,5" in led.findings[0].message  # 3 rows × 0,5, not 9 units × 0,5 = 4,5
    led = _forecast_rows(306.5)
    assert led.value("total", "prognos") == 306.5 and led.findings == []  # |306,5 − 305| = 1,5


def test_printed_figure_kept_as_published_is_a_warning_with_what_the_parts_give():
    why = "Källan trycker 309; raderna ger 305."
    led = _forecast_rows(309, avviker={"prognos": why})
    v = led.get("total", "prognos")
    assert (v.v, v.computed, v.avviker) == (309, 305, why)
    assert [(f.code, f.severity) for f in led.findings] == [("RR532", "warning")]
    assert "309 visas som publicerat, men delarna ger 305" in led.findings[0].message
    # downstream, the published figure is used
    led = _forecast_rows(309, avviker={"prognos": why})
    led.posts["x"] = P("x", prognos=1)
    led.posts["grand"] = P("grand", summa=["total", "x"])
    assert led.value("grand", "prognos") == 310


def test_deviation_mark_on_a_figure_that_agrees_is_a_warning():
    led = _forecast_rows(306, avviker={"prognos": "onödig"})
    assert led.value("total", "prognos") == 306
    assert [(f.code, f.severity) for f in led.findings] == [("RR531", "warning")]


# --- missing is not zero ------------------------------------------------------------------------

def test_missing_forecast_gives_no_deviation():
    led = ledger(inv=P("inv", arsbudget=364, prognos="saknas"))
    assert led.value("inv", "prognos") is None
    assert led.value("inv", "prognos_avvikelse") is None  # not 0 − 364
    assert led.get("inv", "prognos_avvikelse").how == "saknas"
    assert led.missing_sources("inv", "prognos_avvikelse") == [("inv", "prognos")]


def test_a_dash_is_still_nothing_budgeted():
    """null is "–": no budget for a balance-requirement adjustment, so the deviation is the outcome
    (the interim report's 117 for unrealised gains)."""
    led = ledger(bkj=P("bkj", utfall=117, budget=None, arsbudget=None, prognos_avvikelse=117))
    assert led.value("bkj", "avvikelse") == 117
    assert led.value("bkj", "prognos") == 117


def test_sum_with_a_missing_term_is_missing_and_so_is_what_follows():
    led = ledger(a=P("a", utfall=10), b=P("b", utfall="saknas"), c=P("c", utfall=None),
                 s=P("s", summa=["a", "b", "c"]), t=P("t", summa=["s", "a"]), u=P("u", summa=["a", "c"]))
    assert led.value("s", "utfall") is None and led.value("t", "utfall") is None
    assert led.missing_sources("t", "utfall") == [("b", "utfall")]
    assert led.value("u", "utfall") == 10  # a "–" adds nothing
    led.evaluate_all(["utfall", "budget", "avvikelse"])
    assert led.findings == []


def test_a_share_of_a_total_is_its_own_ratio_not_a_sum_of_shares():
    """(63 + 10) / (696 + 100) = 73 / 796 = 9,17 %, not 9,05 % + 10 %; no control finding."""
    rels = [parse_relation("andel = utfall / arsbudget")]
    led = Ledger({"a": P("a", utfall=63, arsbudget=696), "b": P("b", utfall=10, arsbudget=100),
                  "s": P("s", summa=["a", "b"], kontroll=[["a", "b"]])}, rels)
    led.evaluate_all(["utfall", "arsbudget", "andel"])
    assert led.value("s", "andel") == pytest.approx(100 * 73 / 796)
    assert led.findings == []
