"""The ledger: sums, relations, printed totals, breakdowns and their tolerances."""
import pytest

from regionrapport.compute import Ledger, PostDef, parse_relation
from regionrapport.compute.ledger import Where

RELS = [parse_relation("avvikelse = utfall - budget"), parse_relation("prognos = arsbudget + prognos_avvikelse")]


def ledger(**posts):
    return Ledger({k: v for k, v in posts.items()}, RELS)


def P(pid, **kw):
    values = {k: v for k, v in kw.items() if k not in ("summa", "tryckt", "varav", "fullstandig", "kontroll")}
    return PostDef(pid, namn=pid, values=values, summa=kw.get("summa"), tryckt=kw.get("tryckt", {}),
                   varav=kw.get("varav", []), varav_fullstandig=kw.get("fullstandig", False),
                   kontroll=kw.get("kontroll", []))


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
