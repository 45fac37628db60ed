"""What a ledger export holds once read: kronor per account, object and month."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..diagnostics import Diagnostic, ReportError

# Distinct (account, object, month) amounts kept in memory. A region's ledger has a few
# thousand accounts and objects; a file that needs more is generated wrong or hostile.
MAX_KEYS = 2_000_000

UTFALL = "utfall"
BUDGET = "budget"


@dataclass
class LedgerData:
    """Sums of a ledger file. Months are 'YYYYMM'; years are counted as #RAR counts them (0, -1, ...)."""

    source: str
    orgnr: str | None = None
    years: dict[int, tuple[str, str]] = field(default_factory=dict)  # year -> (first month, last month)
    account_names: dict[str, str] = field(default_factory=dict)
    object_names: dict[tuple[int, str], str] = field(default_factory=dict)
    # (kind, year, month, account) -> kronor, and (kind, year, month, account, dim, object) -> kronor
    totals: dict[tuple, Decimal] = field(default_factory=dict)
    objects: dict[tuple, Decimal] = field(default_factory=dict)
    lines: int = 0

    def too_many(self, line: int) -> None:
        if len(self.totals) + len(self.objects) > MAX_KEYS:
            raise ReportError([Diagnostic(
                self.source, line, 1, "RR806",
                f"Filen har fler än {MAX_KEYS:,} olika kombinationer av konto, objekt och månad.".replace(",", " "),
                "Exportera ett år och de dimensioner mappningen använder, eller dela upp filen.")])

    def months_through(self, year: int, month_no: int) -> list[str]:
        """The first month_no months of the year (the period's cumulative balance)."""
        first = self.years[year][0]
        y, m = int(first[:4]), int(first[4:6])
        out = []
        for _ in range(month_no):
            out.append(f"{y:04d}{m:02d}")
            m += 1
            if m == 13:
                y, m = y + 1, 1
        return out

    def month_index(self, year: int, month: str) -> int | None:
        """1-based position of month in the year, or None outside it."""
        first, last = self.years.get(year, ("", ""))
        if not (len(month) == 6 and month.isdigit() and 1 <= int(month[4:]) <= 12 and first <= month <= last):
            return None
        return (int(month[:4]) - int(first[:4])) * 12 + int(month[4:6]) - int(first[4:6]) + 1


def month_range(start: str, end: str) -> tuple[str, str]:
    """'20250101', '20251231' -> ('202501', '202512')."""
    return start[:6], end[:6]
