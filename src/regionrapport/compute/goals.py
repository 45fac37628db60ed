"""Traffic lights, trend arrows and goal summaries: computed, never typed.

Status rules (documented in the README):
- no outcome -> "saknas".
- a number target: share = outcome / target when higher is better, target / outcome
  when lower is better; share >= green threshold -> green, >= yellow -> yellow, else red.
  Exactly on a threshold counts as reaching it.
- a share is only meaningful for positive figures. When the target is zero or
  negative, or the outcome is on the other side of zero, the metric is green if
  it meets the target (>= for higher-is-better, <= for lower-is-better), else red.
- at least / at most: a number target in the direction given.
- a range [a, b]: inside -> green; outside, judged as a share against the nearest bound.
- a trend target: compared with the previous year's outcome: better -> green,
  unchanged -> yellow, worse -> red; no previous outcome -> "saknas" (cannot judge).
- a budget target ("inte överstiga budget"): the outcome is a deviation in mnkr;
  >= 0 -> green, else red.
Trend arrow: the outcome against last year's in the desired direction:
Trend.UP (better), Trend.DOWN (worse), Trend.SAME; none without history.

`evaluate(report)` applies these to every metric of a report and returns typed
results (MetricResult); the render layer formats them and `rapport diff`
compares them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..constants import EPS
from ..numbers import largest_remainder


class Status(Enum):
    """A metric's traffic light; the value is the key organisation.yaml's `status` words use."""

    GREEN = "gron"
    YELLOW = "gul"
    RED = "rod"
    MISSING = "saknas"


class Trend(Enum):
    """The outcome against last year's, in the desired direction."""

    UP = "upp"  # better
    DOWN = "ned"  # worse
    SAME = "oforandrad"


GREEN, YELLOW, RED, MISSING = Status.GREEN, Status.YELLOW, Status.RED, Status.MISSING
STATUSES = tuple(Status)


@dataclass(frozen=True)
class Judgement:
    status: Status
    share: float | None = None  # outcome as a share of target, when meaningful
    reason: str = ""


def _by_share(share: float, green: float, yellow: float) -> Status:
    if share + EPS >= green:
        return GREEN
    if share + EPS >= yellow:
        return YELLOW
    return RED


def judge_number(outcome: float, target: float, higher_better: bool, green: float, yellow: float) -> Judgement:
    if higher_better:
        meets = outcome + EPS >= target
        if target > 0 and outcome >= 0:
            share = outcome / target
            return Judgement(_by_share(share, green, yellow), share)
    else:
        meets = outcome <= target + EPS
        if target > 0 and outcome > 0:
            share = target / outcome
            return Judgement(_by_share(share, green, yellow), share)
        if target > 0 and outcome <= 0:
            return Judgement(GREEN, None, "utfallet är noll eller lägre")
    return Judgement(GREEN if meets else RED, None, "målet är noll eller negativt: uppfyllt eller inte")


def judge(target, outcome: float | None, previous: float | None, higher_better: bool,
          green: float, yellow: float) -> Judgement:
    """Status of one metric. `target` is a number or a target object (see model.goals)."""
    if outcome is None:
        return Judgement(MISSING, None, "inget utfall")
    if target is None:
        return Judgement(MISSING, None, "inget mål")
    if isinstance(target, (int, float)):
        return judge_number(float(outcome), float(target), higher_better, green, yellow)
    if hasattr(target, "minst"):
        return judge_number(float(outcome), float(target.minst), True, green, yellow)
    if hasattr(target, "hogst"):
        return judge_number(float(outcome), float(target.hogst), False, green, yellow)
    if hasattr(target, "intervall"):
        lo, hi = target.intervall
        if lo - EPS <= outcome <= hi + EPS:
            return Judgement(GREEN, 1.0)
        if outcome < lo:
            return judge_number(outcome, lo, True, green, yellow)
        return judge_number(outcome, hi, False, green, yellow)
    kind = getattr(target, "typ", None)
    if kind == "trend":
        if previous is None:
            return Judgement(MISSING, None, "trendmål utan föregående utfall")
        diff = (outcome - previous) if higher_better else (previous - outcome)
        if abs(diff) <= EPS:
            return Judgement(YELLOW, None, "oförändrat")
        return Judgement(GREEN if diff > 0 else RED, None)
    if kind == "budget":
        return Judgement(GREEN if outcome + EPS >= 0 else RED, None)
    raise ValueError(f"okänt måltyp: {target!r}")


def trend(outcome: float | None, previous: float | None, higher_better: bool) -> Trend | None:
    """UP when the change is in the desired direction, DOWN when not; None without both figures."""
    if outcome is None or previous is None:
        return None
    diff = outcome - previous
    if abs(diff) <= EPS:
        return Trend.SAME
    better = diff > 0 if higher_better else diff < 0
    return Trend.UP if better else Trend.DOWN


@dataclass(frozen=True)
class StatusCounts:
    """How many metrics have each status."""

    green: int = 0
    yellow: int = 0
    red: int = 0
    missing: int = 0

    @classmethod
    def of(cls, statuses) -> StatusCounts:
        statuses = list(statuses)
        return cls(*(statuses.count(s) for s in STATUSES))

    def __getitem__(self, status: Status) -> int:
        return getattr(self, status.name.lower())

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red + self.missing

    @property
    def with_outcome(self) -> int:
        return self.total - self.missing

    @property
    def met_or_partly(self) -> int:
        """'uppfyllda eller delvis uppfyllda', as the source reports it."""
        return self.green + self.yellow


def summarise(statuses) -> dict:
    """Counts and shares of each status, as the templates see them (keys are the status values)."""
    return summary_view(StatusCounts.of(statuses))


def summary_view(c: StatusCounts) -> dict:
    n = c.total
    return {
        "antal": n,
        "med_utfall": c.with_outcome,
        **{s.value: c[s] for s in STATUSES},
        "uppfyllda_eller_delvis": c.met_or_partly,
        "andel": {s.value: (100.0 * c[s] / n if n else 0.0) for s in STATUSES},
        # whole percent that add up to 100 (largest remainder), for a summary table
        "andel_hel": dict(zip((s.value for s in STATUSES), largest_remainder([c[s] for s in STATUSES]), strict=True)),
    }


# -- every metric of a report ------------------------------------------------------------
@dataclass(frozen=True)
class MetricResult:
    """One metric of a report, evaluated: what render and diff show and compare."""

    id: str
    goal: str  # the goal (mål) it belongs to
    area: str  # the goal's area (område)
    category: str  # verksamhet | finansiell
    name: str
    unit: str
    higher_better: bool
    target: object  # a number or a target object (model.goals); None without one
    outcome: float | None
    history: dict = field(default_factory=dict)  # year -> outcome, as the report gives it
    previous: float | None = None  # last year's outcome
    judgement: Judgement = Judgement(MISSING)
    trend: Trend | None = None

    @property
    def status(self) -> Status:
        return self.judgement.status


def metric_outcome(metric, out, ledger) -> float | None:
    """The period's outcome: computed from the ledger when the metric says how, else as given."""
    if metric.berakning is not None:
        part, whole = metric.berakning.andel
        a, b = ledger.value(part, metric.berakning.kolumn), ledger.value(whole, metric.berakning.kolumn)
        return None if a is None or not b else 100.0 * a / abs(b)
    return out.utfall if out else None


def evaluate(report) -> list[MetricResult]:
    """Every metric of the report's budget, in the budget's order, with its status and trend."""
    org, year = report.org, report.outcomes.rapport.ar
    results = []
    for gid, g in report.budget.mal.items():
        for mid, mt in g.matetal.items():
            out = report.outcomes.matetal.get(mid)
            outcome = metric_outcome(mt, out, report.ledger)
            hist = dict(out.historik) if out else {}
            prev = hist.get(year - 1)
            higher = mt.riktning == "hogre"
            th = mt.trosklar or org.trosklar
            results.append(MetricResult(
                id=mid, goal=gid, area=g.omrade, category=mt.kategori, name=mt.namn, unit=mt.enhet,
                higher_better=higher, target=mt.mal, outcome=outcome, history=hist, previous=prev,
                judgement=judge(mt.mal, outcome, prev, higher, th.gron, th.gul),
                trend=trend(outcome, prev, higher)))
    return results


def count(results, goal: str | None = None, area: str | None = None, category: str | None = None) -> StatusCounts:
    """The statuses of the results that match every filter given."""
    return StatusCounts.of(r.status for r in results
                           if (goal is None or r.goal == goal) and (area is None or r.area == area)
                           and (category is None or r.category == category))
