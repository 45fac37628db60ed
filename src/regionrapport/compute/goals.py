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
- margins (`marginal` on a metric, or `marginaler` per unit in organisation.yaml): a number,
  at-least, at-most or range target is judged by the distance on the wrong side of the target,
  in the metric's own unit: within the green margin -> green, within the yellow -> yellow.
- an information metric (`information: true`) has no target and no status; it is shown
  and never counted.
- an analyst's judgement (`bedomd_status` with `skal`) replaces the computed status; the
  computed one is kept beside it, and summaries count the status shown.
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


def judge_margin(outcome: float, target: float, higher_better: bool, margins) -> Judgement:
    """By the distance on the wrong side of the target, in the metric's own unit."""
    short_by = (target - outcome) if higher_better else (outcome - target)
    if short_by <= margins.gron + EPS:
        return Judgement(GREEN, None)
    if short_by <= margins.gul + EPS:
        return Judgement(YELLOW, None)
    return Judgement(RED, None)


def _judge_margins(target, outcome: float, higher_better: bool, margins) -> Judgement | None:
    if isinstance(target, (int, float)):
        return judge_margin(outcome, float(target), higher_better, margins)
    if hasattr(target, "minst"):
        return judge_margin(outcome, float(target.minst), True, margins)
    if hasattr(target, "hogst"):
        return judge_margin(outcome, float(target.hogst), False, margins)
    if hasattr(target, "intervall"):
        lo, hi = target.intervall
        return judge_margin(outcome, lo, True, margins) if outcome < lo else judge_margin(outcome, hi, False, margins)
    return None  # trend and budget targets keep their own rule


def judge(target, outcome: float | None, previous: float | None, higher_better: bool,
          green: float, yellow: float, margins=None) -> Judgement:
    """Status of one metric. `target` is a number or a target object (see model.goals);
    `margins` (gron, gul in the metric's unit) replaces the share-of-target rule."""
    if outcome is None:
        return Judgement(MISSING, None, "inget utfall")
    if target is None:
        return Judgement(MISSING, None, "inget mål")
    if margins is not None:
        j = _judge_margins(target, float(outcome), higher_better, margins)
        if j is not None:
            return j
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
    factor: str | None = None  # the success factor (framgångsfaktor) it sits under, if any
    information: bool = False  # an information metric: no status, never counted
    computed: Status | None = None  # the computed status, when an analyst's judgement replaced it
    reason: str = ""  # the analyst's reason for the judged status

    @property
    def status(self) -> Status:
        return self.judgement.status

    @property
    def overridden(self) -> bool:
        return self.computed is not None


def metric_outcome(metric, out, ledger) -> float | None:
    """The period's outcome: computed from the ledger when the metric says how, else as given."""
    calc = metric.berakning
    if calc is not None and calc.post is not None:
        v = ledger.value(calc.post, calc.kolumn)
        return None if v is None else v * calc.faktor
    if calc is not None and calc.andel is not None:
        part, whole = calc.andel
        a, b = ledger.value(part, calc.kolumn), ledger.value(whole, calc.kolumn)
        # a / b as stored (compute/derived.py: a cost against a cost is positive); a whole of
        # almost zero is computed, not hidden, so that RR780 refuses the absurd share it gives
        return None if a is None or not b else 100.0 * a / b
    return out.utfall if out else None


def margins_of(metric, org):
    """The distance rule that applies to a metric: its own, else its unit's in organisation.yaml."""
    return metric.marginal or org.marginaler.get(metric.enhet)


def evaluate(report) -> list[MetricResult]:
    """Every metric of the report's budget, in the budget's order, with its status and trend."""
    org, year = report.org, report.outcomes.rapport.ar
    results = []
    for gid, g in report.budget.mal.items():
        for mid, mt in g.all_metrics().items():
            out = report.outcomes.matetal.get(mid)
            outcome = metric_outcome(mt, out, report.ledger)
            hist = dict(out.historik) if out else {}
            prev = hist.get(year - 1)
            higher = mt.riktning == "hogre"
            th = mt.trosklar or org.trosklar
            if mt.information:
                judgement = Judgement(MISSING, None, "informationsmått")
            else:
                judgement = judge(mt.mal, outcome, prev, higher, th.gron, th.gul, margins_of(mt, org))
            computed, reason = None, ""
            if out is not None and out.bedomd_status and out.skal and not mt.information:
                computed, reason = judgement.status, out.skal
                judgement = Judgement(Status(out.bedomd_status), judgement.share, "bedömd")
            results.append(MetricResult(
                id=mid, goal=gid, area=g.omrade or "", category=mt.kategori, name=mt.namn, unit=mt.enhet,
                higher_better=higher, target=mt.mal, outcome=outcome, history=hist, previous=prev,
                judgement=judgement, trend=trend(outcome, prev, higher), factor=g.factor_of(mid),
                information=mt.information, computed=computed, reason=reason))
    return results


def count(results, goal: str | None = None, area: str | None = None, category: str | None = None) -> StatusCounts:
    """The statuses of the results that match every filter given (information metrics are never counted)."""
    return StatusCounts.of(r.status for r in results
                           if not r.information and (goal is None or r.goal == goal) and (area is None or r.area == area)
                           and (category is None or r.category == category))
