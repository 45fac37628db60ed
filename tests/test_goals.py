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
