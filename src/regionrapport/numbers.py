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


def largest_remainder(counts, total: int = 100) -> list[int]:
    """Whole shares of `total` in proportion to counts that add up to exactly `total`.

    The largest-remainder (Hamilton) method: every share is first rounded down, and
    the units still missing go to the shares with the largest remainders (on equal
    remainders, the earlier one first). 8, 8, 5, 6 of 27 give 30, 30, 18, 22 %
    where rounding each share alone gives 30, 30, 19, 22 = 101 %. All zero counts
    give all zero shares.
    """
    counts = list(counts)
    whole = sum(counts)
    if whole <= 0:
        return [0] * len(counts)
    exact = [Decimal(c) * total / Decimal(whole) for c in counts]
    shares = [int(e) for e in exact]  # the counts are not negative: int() rounds down
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


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


# A count needs no unit after it; every other unit of a metric is printed as written.
BARE_UNITS = ("antal",)


def unit_in_name(name: str, unit: str) -> bool:
    """Whether a metric's name already states its unit, "Genomsnittlig likviditet (mnkr)": a
    table then prints the bare figure in its cells, as the printed reports do ("1 924", not
    "1 924 mnkr"). A percentage keeps its sign ("30,3 %"): that is how the figure is written."""
    return unit not in ("procent", "%", "") and f"({unit})" in name


def fmt_metric(value, unit: str, bare: bool = False) -> str:
    """A metric's figure with its unit as written (kWh/m², kr/invånare); '' for none.
    `bare`: without the unit (the column or the row's name states it)."""
    if value is None:
        return ""
    if unit == "procent":
        return fmt_percent(value, 1 if abs(value - round(value)) > 1e-9 else 0)
    if unit in ("index", "kvot"):
        # as many decimals as the figure has, at most two: 80, 80,3, 0,35
        decimals = next(d for d in (0, 1, 2) if d == 2 or abs(value * 10 ** d - round(value * 10 ** d)) < 1e-9)
        return fmt_number(value, decimals)
    decimals = 0 if abs(value - round(value)) < 1e-9 else 1
    if bare or unit in BARE_UNITS:
        return fmt_number(value, decimals)
    return fmt_number(value, decimals) + NBSP + unit
