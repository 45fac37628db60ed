"""Swedish number formatting: '−1 956', '87,6 %'.

Rounding rule: half away from zero (kommersiell avrundning), as Swedish
financial reports round: 0,5 -> 1, −0,5 -> −1, 2,45 -> 2,5 at one decimal.
Thousands are separated by a no-break space (U+00A0), decimals by a comma,
negatives carry the minus sign U+2212. Zero never shows a sign.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
NBSP = "\u00a0"
DASH = "–"


def round_half_away(x: float, decimals: int = 0) -> Decimal:
    q = Decimal(1).scaleb(-decimals)
    # repr() of the float gives the shortest decimal that reads back the same,
    # so 2.45 rounds as the 2,45 the analyst typed, not as 2.4499999.
    return Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)


def fmt_number(x: float | None, decimals: int = 0, empty: str = DASH) -> str:
    if x is None:
        return empty
    d = round_half_away(x, decimals)
    if d == 0:
        d = abs(d)
    neg = d < 0
    s = f"{abs(d):,.{decimals}f}"  # '1,956.0'
    intpart, _, frac = s.partition(".")
    out = intpart.replace(",", NBSP) + ("," + frac if frac else "")
    return (MINUS + out) if neg else out


def fmt_amount(x: float | None, empty: str = DASH) -> str:
    """Whole units, as the tables print them."""
    return fmt_number(x, 0, empty)


def fmt_percent(x: float | None, decimals: int = 1, empty: str = DASH) -> str:
    """87.6 -> '87,6 %' (the value is already in percent)."""
    if x is None:
        return empty
    return fmt_number(x, decimals) + NBSP + "%"


def fmt_plain(x: float) -> str:
    """For messages: whole or one decimal, Swedish style."""
    if abs(x - round(x)) < 1e-9:
        return fmt_number(x, 0)
    return fmt_number(x, 1)
