"""organisation.yaml: the organisation's own words, periods, thresholds and columns."""
from __future__ import annotations

import difflib
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag

from .base import Amount, Id, Strict, Text
from .goals import Margins


class Area(Strict):
    namn: Text = Field(description="Display name of the area (verksamhetsområde).")
    perspektiv: Id = Field(description="Id of the perspective the area belongs to.")


class Period(Strict):
    namn: Text = Field(description="How the period is named in running text, e.g. 'delår per mars'.")
    manader: int = Field(ge=1, le=12, description="Months covered from the start of the year.")
    kort: Text = Field(description="Short column form, e.g. 'jan–mar'.")


class Thresholds(Strict):
    gron: Amount = Field(description="Share of target (1.0 = 100 %) at or above which a metric is green.")
    gul: Amount = Field(description="Share of target at or above which a metric is yellow (below: red).")


class StatusWord(Strict):
    text: Text = Field(description="The word shown beside the colour, so status reads without colour.")
    symbol: Text = Field(description="A symbol shown with the word (●, ◐, ○, –).")
    farg: Text = Field(pattern=r"^#[0-9a-fA-F]{6}$", description="Colour as #rrggbb.")


class StatusWords(Strict):
    gron: StatusWord
    gul: StatusWord
    rod: StatusWord
    saknas: StatusWord


StatutoryPart = Literal["resultatrakning", "balansrakning", "kassaflodesanalys", "forvaltningsberattelse", "prognos",
                        "balanskravsresultat", "god_ekonomisk_hushallning", "vasentliga_handelser", "forvantad_utveckling"]
"""The parts of a statutory interim report (LKBR 13 kap., RKR R17) a section can declare it is (`lagkrav`)."""
Parts = Annotated[StatutoryPart | list[StatutoryPart] | None, Field(
    description="The statutory part(s) of an interim report this section is (LKBR 13 kap., RKR R17): "
                "resultatrakning, balansrakning, kassaflodesanalys, forvaltningsberattelse, prognos (the full-year "
                "forecast of the result), balanskravsresultat (its forecast), god_ekonomisk_hushallning (the assessment "
                "of the goals), vasentliga_handelser, forvantad_utveckling. Checked when the kind is `lagstadgad`.")]


def parts_of(entry) -> list[str]:
    """The statutory parts a section entry (as section_views gives it) declares."""
    p = entry.get("lagkrav") if isinstance(entry, dict) else None
    return [] if p is None else [p] if isinstance(p, str) else list(p)


class Column(Strict):
    rubrik: Text = Field(description="Header text; {ar} and {fg_ar} become the report year and the year before, "
                                   "{period} and {period_kort} the period's name and short name.")
    format: str = Field("belopp", pattern="^(belopp|procent|decimal)$",
                        description="belopp: whole units; procent: one decimal and %; decimal: one decimal.")
    plustecken: bool = Field(False, description="True: positive figures are printed with an explicit plus sign "
                                                "(+18), as some organisations print deviations.")
    jamforelse: Literal["samma_period_fg_ar", "fg_arets_utgang"] | None = Field(
        None, description="What the column compares with, for the statutory check: samma_period_fg_ar (the same "
                          "period of the year before, beside a resultaträkning), fg_arets_utgang (the last year-end, "
                          "beside a balansräkning).")
    decimaler: int | None = Field(None, ge=0, le=3,
                                  description="Decimals of the column's figures: for a belopp column it takes "
                                              "precedence over the table's (a row's or post's own wins); for a "
                                              "procent or decimal column it replaces the default one decimal "
                                              "(0: '11 %', 1: '11,0 %').")
    enhet: Text | None = Field(None, max_length=40,
                               description="The column's own unit when it is not the table's (e.g. 'kr/invånare'). "
                                           "A table whose columns differ in unit prints each column's unit in its "
                                           "header and no unit for the whole table.")


class TableSection(Strict):
    tabell: Id = Field(description="Id of a table declared under `tabeller` in the budget or outcomes file.")
    text: Id | None = Field(None, description="Id of a report text (`texter`) shown between the table's heading and the table.")
    niva: int | None = Field(None, ge=1, le=6, description="Heading level of the table's heading, 1 to 6 (default 2).")
    lagkrav: Parts = None


class HeadingSection(Strict):
    rubrik: Text = Field(max_length=500, description="A heading of its own, e.g. 'Ekonomisk redovisning'.")
    niva: int = Field(1, ge=1, le=6, description="Heading level, 1 (chapter) to 6, as Markdown's # to ######.")
    lagkrav: Parts = None


class GoalSection(Strict):
    perspektiv: Id = Field(description="Id of a perspective whose goals, metrics and assignments are shown here "
                                       "(e.g. the economy perspective beside the income statement).")
    niva: int = Field(2, ge=1, le=6, description="Heading level of the perspective's heading (default 2).")


class TextSection(Strict):
    text: Id = Field(description="Id of a report text (`texter` in the outcomes file) shown as it stands.")
    lagkrav: Parts = None


def _section_kind(entry) -> str:
    """Which kind of section an entry means, judged by its keys (a misspelt key such
    as `tabel` still picks the table, so the error names the typo)."""
    if not isinstance(entry, dict):
        return "namn"
    keys = [str(k) for k in entry]
    for key, kind in (("tabell", "tabell"), ("perspektiv", "perspektiv"), ("rubrik", "rubrik"), ("niva", "rubrik"),
                      ("text", "text")):
        if key in keys:
            return kind
    for k in keys:
        close = difflib.get_close_matches(k, ["tabell", "perspektiv", "rubrik", "niva", "text"], n=1, cutoff=0.6)
        if close:
            return "rubrik" if close[0] == "niva" else close[0]
    return "tabell"


Section = Annotated[Annotated[Id, Tag("namn"), Field(description="Name of a section template: templates/sektioner/<name>.md.j2.")] | Annotated[TableSection, Tag("tabell")] | Annotated[HeadingSection, Tag("rubrik")] | Annotated[TextSection, Tag("text")] | Annotated[GoalSection, Tag("perspektiv")], Discriminator(_section_kind)]
"""One entry of a section list: a template name, {tabell: id, text: id}, {rubrik: ..., niva: n}, {text: id} or
{perspektiv: id, niva: n}."""


def section_views(sections) -> list:
    """The section list as the templates see it: names, and plain dicts without unset keys."""
    return [s if isinstance(s, str) else s.model_dump(exclude_none=True) for s in sections]


class ReportKind(Strict):
    sektioner: list[Section] = Field(description="Sections in order: template names, {tabell: id}, {rubrik: ..., niva: n} "
                                                 "or {text: id}.")
    framatblickande: bool = Field(False, description="True for a budget: the report is dated before its period.")
    lagstadgad: bool = Field(False, description="True for the statutory interim report (LKBR 13 kap.): `rapport check` "
                                                "then requires the parts the law and RKR R17 name (sections marked "
                                                "`lagkrav`) and a period of half to two thirds of the year.")
    framsida: bool = Field(True, description="A title page of its own (PDF and DOCX). False: the title, the "
                                             "organisation and the date stand at the top of the first page, as a "
                                             "short report (a one-page forecast) has them.")
    innehall: bool = Field(True, description="A table of contents (on a page of its own). False for a short report.")
    sidbrytning: bool = Field(False, description="True: every top-level heading (niva 1) starts a new page.")


class Organisation(Strict):
    namn: Text = Field(description="The organisation's name as printed, e.g. 'Region X' or 'X kommun'.")
    enhet: Text = Field("mnkr", description="Unit of amounts, printed in table headers.")
    perspektiv: dict[Id, Text] = Field(default_factory=dict, description="Perspective id -> name.")
    omraden: dict[Id, Area] = Field(default_factory=dict, description="Area id -> area.")
    perioder: dict[Id, Period] = Field(default_factory=dict, description="Reporting periods.")
    trosklar: Thresholds = Field(description="Default traffic-light thresholds.")
    status: StatusWords = Field(description="Words, symbols and colours of the statuses.")
    bedomning: dict[Id, Text] = Field(default_factory=dict, description="Assessment levels of an area.")
    uppdragsstatus: dict[Id, Text] = Field(default_factory=dict, description="Assignment status id -> word.")
    malkolumner: list[str] = Field(
        default_factory=lambda: ["matetal", "utfall", "historik", "mal", "status", "trend", "kommentar"],
        description="Columns of the goal tables, in order.")
    malrubriker: dict[str, Text] = Field(
        default_factory=dict, description="Header text per goal-table column; '{ar}' becomes the year "
                                          "(e.g. utfall: 'Utfall {ar}', historik: 'Utfall {ar}', mal: 'Mål {ar}').")
    texter: dict[Id, Text] = Field(
        default_factory=dict, description="The organisation's own standard sentences, used by the built-in templates "
                                          "instead of their neutral wording: malinledning (above the goal tables), "
                                          "malsammanfattning (above the summary table). Markdown with the text helpers "
                                          "(uppfyllda, delvis, antal ...).")
    marginaler: dict[str, Margins] = Field(
        default_factory=dict, description="Status rule by unit: metrics of this unit are judged by their distance from "
                                          "the target in that unit (e.g. procent: {gron: 0.5, gul: 2} percentage "
                                          "points) instead of by share of target; a metric's own `marginal` wins.")
    uppdragsvisning: str = Field("lista", pattern="^(lista|tabell)$",
                                 description="How the goal hierarchy (section malhierarki) shows assignments: "
                                             "lista, or tabell with the columns `uppdragskolumner`.")
    uppdragskolumner: list[str] | None = Field(
        None, description="Columns of assignment tables, in order: uppdrag, ansvarig, tidplan, finansiering, status, "
                          "analys (the comment). Default: the built-in Uppdrag | Ansvarig | Status | Kommentar.")
    uppdragsrubriker: dict[str, Text] = Field(default_factory=dict,
                                              description="Header text per assignment-table column.")
    kolumner: dict[Id, Column] = Field(default_factory=dict, description="Figure columns.")
    relationer: list[str] = Field(default_factory=list, description="Column relations such as 'avvikelse = utfall - budget'.")
    rapporttyper: dict[Id, ReportKind] = Field(default_factory=dict, description="Section order per report kind.")
    avrundning: Amount = Field(0.5, gt=0, description="Rounding tolerance per summed figure (half a unit).")
    logotyp: Text | None = Field(None, description="Path (relative to the project) of a logo for the title page.")
    referensdokument: Text | None = Field(None, description="Path of a DOCX reference document (styles).")
    typstmall: Text | None = Field(None, description="Path of a pandoc typst template.")
    farger: dict[str, Text] = Field(default_factory=dict, description="House colours (accent, rubrik).")

    def layout(self, typ: str) -> dict[str, bool]:
        """A report kind's page layout: title page, table of contents, page breaks before chapters
        (a kind not declared here gets the defaults)."""
        kind = self.rapporttyper.get(typ)
        if kind is None:
            return {"framsida": True, "innehall": True, "sidbrytning": False}
        return {"framsida": kind.framsida, "innehall": kind.innehall, "sidbrytning": kind.sidbrytning}
