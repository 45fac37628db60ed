"""Status and trend rules, including every edge case the README documents."""
import pytest

from regionrapport.compute.goals import GREEN, MISSING, RED, YELLOW, StatusCounts, Trend, judge, summarise, trend
from regionrapport.model.goals import AtLeast, AtMost, BudgetTarget, Range, TrendTarget

G, Y = 1.0, 0.8


@pytest.mark.parametrize("outcome,target,higher,expected", [
    (82, 86, True, YELLOW),      # 95 % of target
    (81, 73, True, GREEN),
    (5.4, 30, True, RED),
    (86, 86, True, GREEN),       # exactly on the green threshold
    (80, 100, True, YELLOW),     # exactly on the yellow threshold
    (79.99, 100, True, RED),
    (16, 12, False, RED),        # lower is better: 12/16 = 75 %
    (6.6, 5, False, RED),        # sjukfrånvaro: 5/6.6 = 76 %
    (15, 12, False, YELLOW),     # 12/15 = 80 %: on the threshold
    (10, 12, False, GREEN),
])
def test_number_targets(outcome, target, higher, expected):
    assert judge(target, outcome, None, higher, G, Y).status == expected


def test_zero_and_negative_targets_are_met_or_not():
    assert judge(0, -787, None, True, G, Y).status == RED        # flyttnetto target 0
    assert judge(0, 12, None, True, G, Y).status == GREEN
    assert judge(-100, -50, None, True, G, Y).status == GREEN
    assert judge(-100, -150, None, True, G, Y).status == RED
    assert judge(0, 0, None, False, G, Y).status == GREEN
    assert judge(12, 0, None, False, G, Y).status == GREEN       # lower is better, nothing happened


def test_missing_outcome():
    j = judge(65, None, 57, True, G, Y)
    assert j.status == MISSING


def test_trend_targets_use_previous_outcome():
    t = TrendTarget(typ="trend")
    assert judge(t, 12, 10, True, G, Y).status == GREEN
    assert judge(t, 10, 12, True, G, Y).status == RED
    assert judge(t, 10, 12, False, G, Y).status == GREEN         # decreasing trend wanted
    assert judge(t, 10, 10, True, G, Y).status == YELLOW
    assert judge(t, 10, None, True, G, Y).status == MISSING      # missing history: cannot judge


def test_at_least_at_most_range_budget():
    assert judge(AtLeast(minst=500), 1924, None, True, G, Y).status == GREEN
    assert judge(AtMost(hogst=12), 14, None, False, G, Y).status == YELLOW  # 12/14 = 86 %
    r = Range(intervall=(3, 5))
    assert judge(r, 4, None, True, G, Y).status == GREEN
    assert judge(r, 2.5, None, True, G, Y).status == YELLOW   # 2.5/3 = 83 %
    assert judge(r, 9, None, True, G, Y).status == RED        # 5/9 = 56 %
    assert judge(BudgetTarget(typ="budget"), 3, None, True, G, Y).status == GREEN
    assert judge(BudgetTarget(typ="budget"), -1, None, True, G, Y).status == RED


def test_thresholds_are_parameters():
    assert judge(100, 90, None, True, 0.9, 0.5).status == GREEN
    assert judge(100, 90, None, True, 0.95, 0.5).status == YELLOW


def test_trend_arrow_in_desired_direction():
    assert trend(87.6, 93, True) is Trend.DOWN
    assert trend(16, 16.2, False) is Trend.UP   # lower is better and it fell
    assert trend(5, 5, True) is Trend.SAME
    assert trend(5, None, True) is None


def test_summary_counts_and_shares():
    s = summarise([GREEN, GREEN, YELLOW, RED, MISSING])
    assert (s["antal"], s["gron"], s["gul"], s["rod"], s["saknas"]) == (5, 2, 1, 1, 1)
    assert s["uppfyllda_eller_delvis"] == 3
    assert s["andel"]["gron"] == pytest.approx(40.0)


def test_status_counts_are_typed():
    c = StatusCounts.of([GREEN, GREEN, YELLOW, RED, MISSING])
    assert (c.green, c.yellow, c.red, c.missing, c.total, c.with_outcome, c.met_or_partly) == (2, 1, 1, 1, 5, 4, 3)
    assert c[YELLOW] == 1



# -- margins in the metric's own unit (organisation.yaml `marginaler`, a metric's `marginal`) ---------
def test_margins_in_percentage_points():
    from regionrapport.model.goals import Margins

    m = Margins(gron=0.5, gul=2.0)
    # 89,6 % against 90: 0,4 points short is green within 0,5 (as a share, 99,6 %, yellow below 100 %)
    assert judge(90, 89.6, None, True, 1.0, 0.85, m).status is GREEN
    assert judge(90, 89.6, None, True, 1.0, 0.85).status is YELLOW
    assert judge(90, 89.5, None, True, 1.0, 0.85, m).status is GREEN  # exactly on the margin reaches it
    assert judge(90, 88.0, None, True, 1.0, 0.85, m).status is YELLOW
    assert judge(90, 87.9, None, True, 1.0, 0.85, m).status is RED
    # lower is better: sick leave 7,9 % against at most 6,5: 1,4 over -> yellow; 8,7: 2,2 over -> red
    assert judge(AtMost(hogst=6.5), 7.9, None, False, 1.0, 0.85, m).status is YELLOW
    assert judge(AtMost(hogst=6.5), 8.7, None, False, 1.0, 0.85, m).status is RED
    assert judge(AtMost(hogst=6.5), 5.0, None, False, 1.0, 0.85, m).status is GREEN
    assert judge(Range(intervall=(3, 5)), 5.4, None, True, 1.0, 0.85, m).status is GREEN  # 0,4 above the range
    # a trend target keeps its own rule
    assert judge(TrendTarget(typ="trend"), 5.0, 4.0, True, 1.0, 0.85, m).status is GREEN


def test_margins_must_be_ordered():
    import pydantic

    from regionrapport.model.goals import Margins

    with pytest.raises(pydantic.ValidationError):
        Margins(gron=2.0, gul=0.5)


def test_information_metrics_are_never_counted():
    from regionrapport.compute.goals import Judgement, MetricResult, count

    res = [MetricResult(id="a", goal="g", area="", category="verksamhet", name="A", unit="st", higher_better=True,
                        target=None, outcome=3.0, information=True),
           MetricResult(id="b", goal="g", area="", category="verksamhet", name="B", unit="st", higher_better=True,
                        target=5, outcome=5.0, judgement=Judgement(GREEN))]
    c = count(res)
    assert (c.green, c.missing, c.total) == (1, 0, 1)
