"""The account mapping (import/mappning.yaml): how a ledger's amounts become report figures.

A ledger export (SIE, Excel, CSV) gives kronor per account, object (ansvar) and
month. The mapping says which accounts and objects make up which post, in which
unit and with which sign, and which ledger amount each report column takes.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from .base import Id, Strict, Text

CODE_MAX = 32  # the longest account or object code; importing/place.py pads codes to it to compare ranges
RANGE_RE = re.compile(rf"^([0-9A-Za-z]{{1,{CODE_MAX}}})(?:-([0-9A-Za-z]{{1,{CODE_MAX}}}))?$")
Range = Annotated[str, StringConstraints(pattern=RANGE_RE.pattern)]
"""An account or object: '5011', a class '30' (every account starting 30), or a range '30-37' / '1100-1199'."""


def _check_ranges(values: list[str]) -> list[str]:
    for v in values:
        m = RANGE_RE.match(v)
        if m and m.group(2) is not None:
            a, b = m.group(1), m.group(2)
            if len(a) != len(b):
                raise ValueError(f"intervallet '{v}' ska ha lika många tecken på båda sidor")
            if a > b:
                raise ValueError(f"intervallet '{v}' börjar efter sitt slut")
    return values


class Column(Strict):
    """Which ledger amount a report column takes."""

    belopp: Literal["utfall", "budget"] = Field(
        description="utfall: booked amounts (#PSALDO, or #TRANS summed; the rows of an Excel/CSV export); "
                    "budget: #PBUDGET (or rows whose type column says budget).")
    ar: int = Field(0, ge=-9, le=0, description="The financial year: 0 this year (the report's), -1 the year before "
                                               "(as #RAR counts them).")


class Placement(Strict):
    """Which amounts make up one post. Accounts default to the grouping's; without `objekt`, every object."""

    konton: list[Range] | None = Field(
        None, description="Accounts: '5011', a class '30' (every account starting with 30) or a range '30-37'. "
                          "Default: the grouping's accounts.")
    objekt: list[Range] | None = Field(
        None, description="Object (ansvar) codes in the grouping's dimension: '1100', or a range '1100-1199'.")
    decimaler: int | None = Field(None, ge=0, le=4, description="Decimals of this post's figure (default: the mapping's).")

    @field_validator("konton", "objekt")
    @classmethod
    def check_ranges(cls, v):
        return v if v is None else _check_ranges(v)


class Grouping(Strict):
    """One view of the ledger: its accounts placed on posts, each amount on exactly one post."""

    namn: Text = Field(description="What the grouping is, for messages, e.g. 'Driftredovisning per nämnd'.")
    konton: list[Range] = Field(description="The accounts the grouping covers, e.g. ['30-79'].")
    dimension: int | None = Field(
        None, ge=1, le=99, description="The object dimension (#DIM) whose codes the posts name; "
                                       "none for a grouping by account only.")
    fullstandig: bool = Field(
        True, description="True: every non-zero amount on the grouping's accounts must land on a post "
                          "(an unplaced account or object is an error). False: the posts are a partial "
                          "specification, e.g. some units of a committee.")
    poster: dict[Id, Placement] = Field(description="Post id -> the accounts and objects it takes.")

    @field_validator("konton")
    @classmethod
    def check_ranges(cls, v):
        return _check_ranges(v)


class TableColumns(Strict):
    """Header texts of the columns of an Excel or CSV export."""

    konto: Text = Field(description="Header of the account column.")
    belopp: Text = Field(description="Header of the amount column (kronor).")
    period: Text = Field(description="Header of the period column: YYYYMM, YYYY-MM or a date.")
    objekt: Text | None = Field(None, description="Header of the object (ansvar) column, if any.")
    namn: Text | None = Field(None, description="Header of the account name column, if any (used in messages).")
    typ: Text | None = Field(None, description="Header of a column saying 'utfall' or 'budget' per row; "
                                               "without it every row is utfall.")


class TableExport(Strict):
    """Where the figures stand in an Excel (.xlsx) or CSV export."""

    blad: Text | None = Field(None, description="Sheet name of an .xlsx file (default: the first sheet).")
    rubrikrad: int = Field(1, ge=1, le=1000, description="Row number of the header row (1 = the first row).")
    kolumner: TableColumns = Field(description="Header texts of the columns.")
    dimension: int = Field(1, ge=1, le=99, description="The dimension the object column's codes belong to.")
    avgransare: Literal[";", ",", "\t"] = Field(";", description="CSV field separator.")
    decimaltecken: Literal[",", "."] = Field(",", description="CSV decimal mark (Swedish exports use ',').")
    teckenkodning: Literal["utf-8", "cp1252"] = Field("utf-8", description="Encoding of a CSV file.")


class Mapping(Strict):
    """import/mappning.yaml: from a ledger export to report figures."""

    organisationsnummer: Text | None = Field(
        None, description="The organisation number (#ORGNR); a SIE file for another organisation is refused.")
    enhet: Literal["kr", "tkr", "mnkr"] = Field(description="The unit of the report's figures; the ledger is in kronor.")
    decimaler: int = Field(0, ge=0, le=4, description="Decimals of a figure, rounded half away from zero as the reports do.")
    tecken: Literal["omvant", "bokfort"] = Field(
        "omvant", description="omvant: the ledger's debit-positive amounts change sign, so revenue is positive and "
                              "costs negative as the reports print them; bokfort: kept as booked.")
    kolumner: dict[Id, Column] = Field(description="Report column id -> the ledger amount it takes "
                                                   "(the period's cumulative balance from the year's first month).")
    indelningar: list[Grouping] = Field(description="The views of the ledger, e.g. per committee (objects) and "
                                                    "per kind of revenue and cost (accounts).")
    tabell: TableExport | None = Field(None, description="Columns of an Excel or CSV export, when one is imported.")

    @model_validator(mode="after")
    def one_place_per_post(self):
        seen: dict[str, str] = {}
        for g in self.indelningar:
            for pid in g.poster:
                if pid in seen:
                    raise ValueError(f"posten '{pid}' står i både '{seen[pid]}' och '{g.namn}'")
                seen[pid] = g.namn
        return self
