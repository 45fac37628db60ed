"""Placeholders in column headers: one definition for the report, `diff` and the check.

A header such as "Utfall {period_kort} {ar}" is filled with the report's year,
the year before, and the period's name and short name from organisation.yaml.
An unknown placeholder is reported by `rapport check` (RR535) and never printed
as it stands. Imports nothing heavy: `check` uses it.
"""
from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
KNOWN = {
    "ar": "the report year (2025)",
    "fg_ar": "the year before (2024)",
    "period": "the period's name in running text (delår per augusti)",
    "period_kort": "the period's short name (jan–aug)",
}


def header_values(ar: int, period=None) -> dict[str, str]:
    """The placeholders' values for a report of year `ar` over `period` (an organisation Period or None)."""
    values = {"ar": str(ar), "fg_ar": str(ar - 1)}
    if period is not None:
        values["period"] = period.namn
        values["period_kort"] = period.kort
    return values


def fill_header(text: str, values: dict[str, str]) -> str:
    """Replace every known placeholder; an unknown one is left for the check to report."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def unknown_placeholders(text: str) -> list[str]:
    """What the header cannot fill, as written: an unknown placeholder ("{år}") and any
    brace no known placeholder accounts for ("{ar:{ar}}", "{ar", "ar}"), which would
    otherwise be printed as it stands."""
    bad = ["{" + m.group(1) + "}" for m in PLACEHOLDER.finditer(text) if m.group(1) not in KNOWN]
    rest = PLACEHOLDER.sub("", text)
    if not bad and ("{" in rest or "}" in rest):
        bad.append(text[text.find("{") if "{" in text else text.find("}"):][:40])
    return bad
