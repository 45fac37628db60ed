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
    gron: float
    gul: float


class Computed(Strict):
    """An outcome the ledger already holds: one post as a percentage of another."""

    andel: tuple[Id, Id] = Field(description="[part, whole]: the outcome is part / |whole| × 100.")
    kolumn: Id = Field("utfall", description="The column of both posts.")


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


class Goal(Strict):
    namn: Text
    omrade: Id
    perspektiv: Id | None = Field(None, description="Perspective, when it differs from the area's.")
    matetal: dict[Id, Metric] = Field(default_factory=dict)


class Assignment(Strict):
    text: Text
    perspektiv: Id | None = None
    omrade: Id | None = None
    ansvar: list[Id] = Field(default_factory=list, description="Responsible committee ids.")
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


class AreaAssessment(Strict):
    bedomning: Id | None = None
    text: Text | None = None


class AssignmentOutcome(Strict):
    status: Id
    kommentar: Text | None = None
    kommentarer: dict[Id, Text] = Field(default_factory=dict)


class ActivityOutcome(Strict):
    kommentar: Text | None = None
