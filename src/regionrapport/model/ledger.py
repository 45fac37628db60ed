"""Posts (line items) and table views, shared by budget and outcomes files."""
from __future__ import annotations


from pydantic import ConfigDict, Field, model_validator

from .base import Amount, Id, Strict, Text


class Breakdown(Strict):
    fullstandig: bool = Field(description="True: the rows add up to the post. False: they list only some units.")
    rader: list[Id] = Field(description="Post ids of the 'varav' rows.")


class Post(Strict):
    """A line item. Besides these fields it holds one value per column id."""

    model_config = ConfigDict(extra="allow")

    namn: Text | None = Field(None, description="Display name.")
    summa: list[str] | None = Field(None, description="Post ids (optionally '-id') whose sum this post is.")
    kontroll: list[list[str]] = Field(default_factory=list, description="Alternative sums that must agree.")
    tryckt: dict[Id, Amount] = Field(default_factory=dict, description="Printed figures of derived values.")
    tryckt_avviker: dict[Id, Text] = Field(
        default_factory=dict,
        description="Column -> why a printed figure that disagrees with its parts is reproduced as published "
                    "(a warning, and a footnote saying what the parts give).")
    varav: Breakdown | None = Field(None, description="Breakdown into other posts.")
    kommentar: Text | None = Field(None, description="Markdown commentary.")
    fotnot: Text | None = Field(None, description="Footnote text.")
    decimaler: int | None = Field(None, ge=0, le=3,
                                  description="Decimals of this post's amounts wherever it is shown (tables and "
                                              "the belopp() text helper), e.g. 2 for a committee below one million. "
                                              "A table row's own `decimaler` takes precedence; this one takes "
                                              "precedence over the table's.")

    def values(self) -> dict[str, float | None]:
        return dict(self.model_extra or {})


class Committee(Strict):
    model_config = ConfigDict(extra="allow")

    namn: Text = Field(description="The committee's name.")
    kortnamn: Text | None = Field(None, description="Short name, e.g. HSN.")
    enheter: dict[Id, Text] = Field(default_factory=dict, description="Unit id -> unit name.")
    varav: Breakdown | None = Field(None, description="Which units the committee breaks down into.")
    kommentar: Text | None = None
    utan_utfall: Text | None = Field(None, description="Why the committee has no outcome this period.")

    def values(self) -> dict[str, float | None]:
        return dict(self.model_extra or {})


class ColumnRef(Strict):
    kolumn: Id
    rubrik: Text | None = None


class Row(Strict):
    post: Id | None = Field(None, description="Post id.")
    rubrik: Text | None = Field(None, description="A heading row without figures.")
    forandring: Id | None = Field(
        None, description="Derived row: the post's change in percent, each column against the column before it "
                          "in the table's column order (e.g. 'Förändring jämfört med föregående år').")
    andel: tuple[Id, Id] | None = Field(
        None, description="Derived row: [a, b] gives a as a percentage of b in every column "
                          "(e.g. the result as a share of taxes and grants).")
    kolumner: list[Id] | None = Field(
        None, description="Derived row only: the columns that show a value (default: every column that can).")
    namn: Text | None = Field(None, description="Label override for this table (the label of a derived row).")
    stil: str = Field("normal", pattern="^(normal|summa|varav|rubrik|kursiv)$",
                      description="normal, summa (bold), varav (indented, italic), kursiv (italic), rubrik.")
    decimaler: int | None = Field(None, ge=0, le=3,
                                  description="Decimals of this row's amounts (overrides the post's and the table's).")
    format: str | None = Field(None, pattern="^(belopp|procent|decimal)$",
                               description="The row's own number format, when it is not its columns': procent "
                                           "(a ratio such as soliditet, '11,0 %') or decimal, in a table of amounts.")
    kolumnkalla: dict[Id, Id] | None = Field(
        None, description="Post row only: table column -> the post's column whose figure it shows; the table's other "
                          "columns stay empty. E.g. {prognos_avvikelse: arsbudget} for a 'Budgeterat resultat' row.")

    @model_validator(mode="after")
    def _one_of(self):
        given = [k for k in ("post", "rubrik", "forandring", "andel") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("en rad har precis en av 'post', 'rubrik', 'forandring' eller 'andel'")
        if self.kolumner is not None and given[0] in ("post", "rubrik"):
            raise ValueError("'kolumner' gäller bara en härledd rad ('forandring' eller 'andel')")
        if self.format is not None and given[0] != "post":
            raise ValueError("'format' gäller bara en rad med 'post'")
        if self.kolumnkalla is not None and given[0] != "post":
            raise ValueError("'kolumnkalla' gäller bara en rad med 'post'")
        return self


class Table(Strict):
    rubrik: Text = Field(description="Table heading.")
    kolumner: list[Id | ColumnRef] = Field(description="Columns shown, in order.")
    rader: list[Id | Row] = Field(description="Rows: post ids or row objects.")
    visa_varav: bool = Field(False, description="Show each row's varav rows under it.")
    text: Text | None = Field(None, description="Markdown shown above the table.")
    fotnoter: list[Text] = Field(default_factory=list)
    enhet: Text | None = Field(None, description="Unit override (e.g. tkr).")
    decimaler: int | None = Field(None, ge=0, le=3,
                                  description="Decimals of the amounts in this table (default: whole units), "
                                              "e.g. 1 for figures given in tenths of a million.")
