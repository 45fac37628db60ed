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
"upp" (better), "ned" (worse), "oforandrad"; none without history.
"""
from __future__ import annotations

from dataclasses import dataclass

EPS = 1e-9
GREEN, YELLOW, RED, MISSING = "gron", "gul", "rod", "saknas"
STATUSES = (GREEN, YELLOW, RED, MISSING)


@dataclass(frozen=True)
class Judgement:
    status: str
    share: float | None = None  # outcome as a share of target, when meaningful
    reason: str = ""


def _by_share(share: float, green: float, yellow: float) -> str:
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


def trend(outcome: float | None, previous: float | None, higher_better: bool) -> str | None:
    """'upp' when the change is in the desired direction, 'ned' when not."""
    if outcome is None or previous is None:
        return None
    diff = outcome - previous
    if abs(diff) <= EPS:
        return "oforandrad"
    better = diff > 0 if higher_better else diff < 0
    return "upp" if better else "ned"


def summarise(statuses: list[str]) -> dict:
    """Counts and shares of each status; 'uppfyllda_eller_delvis' as the source reports it."""
    n = len(statuses)
    counts = {s: statuses.count(s) for s in STATUSES}
    with_outcome = n - counts[MISSING]
    return {
        "antal": n,
        "med_utfall": with_outcome,
        **counts,
        "uppfyllda_eller_delvis": counts[GREEN] + counts[YELLOW],
        "andel": {s: (100.0 * counts[s] / n if n else 0.0) for s in STATUSES},
    }
