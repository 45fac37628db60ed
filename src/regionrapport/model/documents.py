"""The two file kinds: a budget and a report's outcomes."""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from .base import MAX_NAME, Amount, Id, Strict, Text
from .goals import Activity, ActivityOutcome, AreaAssessment, Assignment, AssignmentOutcome, Goal, MetricOutcome
from .ledger import Committee, Post, Table
from .organisation import Area, Column, Section


class Series(Strict):
    namn: Text
    enhet: Text = "mnkr"
    kalla: Text | None = None
    post: Id | None = Field(None, description="A post whose figures the series shows (stored once, in the ledger).")
    kolumner: dict[int | str, Id] = Field(default_factory=dict,
                                                description="Year or month -> column of `post`, e.g. {2025: utfall, 2024: utfall_fg_ar}.")
    tecken: int = Field(1, ge=-1, le=1, description="-1 shows a cost stored as a negative amount as a positive bar.")
    varden: dict[int | str, Amount | None] = Field(default_factory=dict,
                                                        description="Year or month -> value, for figures that are no post.")
    period: Id | None = Field(None, description="The period the values cover (e.g. mars: jan–mar totals).")
    endast_summor: bool = Field(False, description="True when only period totals exist (no monthly values).")
    anmarkning: Text | None = Field(None, description="Caption note, e.g. that only totals are known.")


class Budget(Strict):
    ar: int = Field(description="The budget year.")
    titel: Text
    kolumner: dict[Id, Column] = Field(default_factory=dict, description="Extra columns used by this file.")
    relationer: list[str] = Field(default_factory=list, description="Relations between this file's own columns.")
    namnder: dict[Id, Committee] = Field(default_factory=dict)
    poster: dict[Id, Post] = Field(default_factory=dict)
    tabeller: dict[Id, Table] = Field(default_factory=dict)
    mal: dict[Id, Goal] = Field(default_factory=dict)
    uppdrag: dict[Id, Assignment] = Field(default_factory=dict)
    aktiviteter: dict[Id, Activity] = Field(default_factory=dict)
    ansvariga: dict[Id, Text] = Field(default_factory=dict, description="Responsible bodies that are no committee "
                                      "(a beredning, a council): id -> name, for assignments' `ansvar`.")
    omraden: dict[Id, Area] | None = Field(None, description="This budget's own areas, replacing organisation.yaml's "
                                           "for the reports that follow it (other years keep the profile's).")


class ReportHeader(Strict):
    titel: Text
    typ: Id = Field(description="Report kind; selects templates/<typ>.md.j2 and the section order.")
    budget: str = Field(max_length=MAX_NAME, description="Budget file id under data/budget/.")
    ar: int
    period: Id
    datum: dt.date = Field(description="Report date: the only date written into the outputs.")
    undertitel: Text | None = None
    beslut: Text | None = Field(None, description="Decision line for the title page.")
    utgivare: Text | None = Field(
        None, description="Whose document it is, when it is not the organisation's own (e.g. a party group's "
                          "budget proposal): printed on the title page and written as the author in the PDF and "
                          "DOCX document properties.")
    beslutande: Text | None = Field(None, description="The body that decides on the report (e.g. Regionfullmäktige), "
                                                      "for the title page.")
    diarienummer: Text | None = Field(None, description="The case number (diarienummer), for the title page.")
    sektioner: list[Section] | None = Field(None, description="This report's own section list, replacing its kind's "
                                            "(`rapporttyper.<typ>.sektioner` in organisation.yaml).")
    jamforelse: str | None = Field(None, max_length=MAX_NAME, description="An earlier report (a file under data/outcomes/, "
                                   "e.g. the same period a year ago) whose goal summary is shown beside this one's.")


class Outcomes(Strict):
    rapport: ReportHeader
    kolumner: dict[Id, Column] = Field(default_factory=dict, description="Extra columns used by this file.")
    relationer: list[str] = Field(default_factory=list, description="Relations between this file's own columns, "
                                  "e.g. 'summa_2025 = lakare_2025 + ssk_2025'.")
    poster: dict[Id, Post] = Field(default_factory=dict)
    tabeller: dict[Id, Table] = Field(default_factory=dict)
    matetal: dict[Id, MetricOutcome] = Field(default_factory=dict)
    omraden: dict[Id, AreaAssessment] = Field(default_factory=dict)
    uppdrag: dict[Id, AssignmentOutcome] = Field(default_factory=dict)
    aktiviteter: dict[Id, ActivityOutcome] = Field(default_factory=dict)
    texter: dict[Id, Text] = Field(default_factory=dict)
    serier: dict[Id, Series] = Field(default_factory=dict)
