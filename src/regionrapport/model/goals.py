"""Goals (mål), metrics (mätetal), assignments (uppdrag) and their outcomes."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Amount, Id, Strict, Text


class TrendTarget(Strict):
    typ: Literal["trend"]


class BudgetTarget(Strict):
    typ: Literal["budget"]


class AtLeast(Strict):
    minst: Amount


class AtMost(Strict):
    hogst: Amount


class Range(Strict):
    intervall: tuple[Amount, Amount]

    @model_validator(mode="after")
    def _ordered(self):
        if self.intervall[0] > self.intervall[1]:
            raise ValueError("intervallets undre gräns är större än den övre")
        return self


Target = Amount | TrendTarget | BudgetTarget | AtLeast | AtMost | Range


class ThresholdOverride(Strict):
    gron: Amount
    gul: Amount


class Margins(Strict):
    """Status by distance from the target, in the metric's own unit (e.g. percentage points)."""

    gron: Amount = Field(ge=0, description="Green when the outcome is at most this far on the wrong side of the target.")
    gul: Amount = Field(ge=0, description="Yellow when at most this far (farther: red).")

    @model_validator(mode="after")
    def _ordered(self):
        if self.gul < self.gron:
            raise ValueError("marginalen för gul ska vara minst lika stor som den för grön")
        return self


class Computed(Strict):
    """An outcome the ledger already holds: one post as a percentage of another, or one post's
    figure (with a unit conversion), so the figure is never typed twice."""

    andel: tuple[Id, Id] | None = Field(None, description="[part, whole]: the outcome is part / |whole| × 100.")
    post: Id | None = Field(None, description="The outcome is this post's figure in `kolumn`, times `faktor`.")
    faktor: Amount = Field(1.0, description="Unit conversion of `post`'s figure, e.g. 1000 for mnkr → tkr, "
                                           "-1 for a cost stored as a negative amount.")
    kolumn: Id = Field("utfall", description="The column of the post(s).")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.andel is None) == (self.post is None):
            raise ValueError("en beräkning har precis en av 'andel' och 'post'")
        if self.andel is not None and self.faktor != 1.0:
            raise ValueError("'faktor' gäller bara en beräkning med 'post'")
        return self

    def posts(self) -> list[str]:
        return list(self.andel) if self.andel is not None else [self.post or ""]


class Metric(Strict):
    namn: Text = Field(description="The metric as printed.")
    enhet: Text = Field(description="procent, antal, index, kvot, mnkr, dagar ...")
    riktning: Literal["hogre", "lagre"] = Field(description="Which direction is better.")
    mal: Target | None = Field(None, description="Target for the budget year.")
    malvarden: dict[int, Target] = Field(default_factory=dict, description="Targets for later years.")
    bokslut: dict[int, Amount | None] = Field(default_factory=dict, description="Closing outcomes of earlier years.")
    kategori: Literal["verksamhet", "finansiell"] = "verksamhet"
    berakning: Computed | None = Field(None, description="Compute the outcome from posts instead of typing it.")
    trosklar: ThresholdOverride | None = Field(None, description="Overrides the organisation's thresholds.")
    marginal: Margins | None = Field(None, description="Status by distance from the target in the metric's own unit "
                                                     "(e.g. {gron: 0.5, gul: 2} percentage points) instead of a "
                                                     "share of the target.")
    information: bool = Field(False, description="An information metric: shown without target or status, and not "
                                                 "counted in any summary.")


class SuccessFactor(Strict):
    """A success factor (framgångsfaktor): the third level, between a goal and its metrics."""

    namn: Text
    matetal: dict[Id, Metric] = Field(default_factory=dict)


class Goal(Strict):
    namn: Text
    omrade: Id | None = Field(None, description="Area id; a goal placed straight under a perspective gives "
                                                "`perspektiv` instead.")
    perspektiv: Id | None = Field(None, description="Perspective, when it differs from the area's (or without an area).")
    matetal: dict[Id, Metric] = Field(default_factory=dict)
    framgangsfaktorer: dict[Id, SuccessFactor] = Field(
        default_factory=dict, description="Success factors under the goal, each with its own metrics (a third level).")

    @model_validator(mode="after")
    def _placed(self):
        if self.omrade is None and self.perspektiv is None:
            raise ValueError("ett mål behöver 'omrade' eller 'perspektiv'")
        return self

    def all_metrics(self) -> dict[str, Metric]:
        """The goal's own metrics, then each success factor's, in order."""
        out = dict(self.matetal)
        for f in self.framgangsfaktorer.values():
            out.update(f.matetal)
        return out

    def metric_path(self, mid: str) -> tuple:
        """Where a metric stands under `mal.<goal>` in the budget file."""
        if mid in self.matetal:
            return ("matetal", mid)
        for fid, f in self.framgangsfaktorer.items():
            if mid in f.matetal:
                return ("framgangsfaktorer", fid, "matetal", mid)
        return ("matetal", mid)

    def factor_of(self, mid: str) -> str | None:
        for fid, f in self.framgangsfaktorer.items():
            if mid in f.matetal:
                return fid
        return None


class Assignment(Strict):
    text: Text
    perspektiv: Id | None = None
    omrade: Id | None = None
    ansvar: list[Id] = Field(default_factory=list, description="Responsible committee ids, or ids under the budget's "
                                                               "`ansvariga` (bodies that are no committee).")
    mal: Id | None = Field(None, description="The goal or success factor the assignment belongs to (shown under it).")
    tidplan: Text | None = None
    finansiering: Text | None = None


class Activity(Strict):
    text: Text
    omrade: Id


class MetricOutcome(Strict):
    utfall: Amount | None = Field(None, description="Outcome for the period.")
    historik: dict[int, Amount | None] = Field(default_factory=dict, description="Year -> outcome shown in the table.")
    kommentar: Text | None = None
    saknas: Text | None = Field(None, description="Why there is no outcome this period.")
    bedomd_status: Literal["gron", "gul", "rod"] | None = Field(
        None, description="The analyst's judgement, overriding the computed status; needs `skal`.")
    skal: Text | None = Field(None, description="Why the judged status differs from the computed one (shown in the "
                                                "report, listed by rapport check and rapport diff).")


class AreaAssessment(Strict):
    bedomning: Id | None = None
    text: Text | None = None


class AssignmentOutcome(Strict):
    status: Id
    kommentar: Text | None = None
    kommentarer: dict[Id, Text] = Field(default_factory=dict)


class ActivityOutcome(Strict):
    kommentar: Text | None = None
