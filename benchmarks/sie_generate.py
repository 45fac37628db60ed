"""A large SIE 4 file for the import benchmark: N #TRANS lines that the example's mapping places.

    .venv/bin/python benchmarks/sie_generate.py huvudbok.se 1000000

Verifications of ten lines each, dated January to March 2025: nine on revenue and
cost accounts with an ansvar (object) from import/mappning.yaml, or on financing
accounts without one, and a tenth on the bank account (1930) that balances them
(a balance account, which no grouping takes). Deterministic: the same N gives the
same file.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

ACCOUNTS = ["3000", "3100", "3300", "3500", "3610", "3700", "4000", "4200", "4300", "4400", "4600", "5000",
            "5900", "6000", "6100", "6300", "6400", "6500", "6600", "6900", "7800"]
OBJECTS = ["1100", "1200", "1300", "1400", "1500", "1600", "2000", "2100", "2200", "3000", "4000", "4500",
           "5100", "5200", "5300", "6000", "6100", "6200", "6300", "6400", "7000", "7100"]
FINANCE = ["8000", "8020", "8210", "8220", "8230", "8240", "8250", "8260", "8400", "8500", "8530"]
HEADER = """#FLAGGA 0
#PROGRAM "regionrapport benchmarks" 1.0
#FORMAT PC8
#GEN 20250410
#SIETYP 4
#ORGNR 232100-0065
#FNAMN "Region Kronoberg"
#RAR 0 20250101 20251231
#RAR -1 20240101 20241231
#KPTYP "R-Bas"
#DIM 1 "Ansvar"
"""


def _kr(ore: int) -> str:
    sign, a = ("-" if ore < 0 else ""), abs(ore)
    return f"{sign}{a // 100}.{a % 100:02d}"


def generate(path: Path, n_trans: int, seed: int = 1) -> int:
    """Write the file; returns the number of #TRANS lines written."""
    rnd = random.Random(seed)
    written = 0
    with open(path, "w", encoding="cp437", newline="\r\n") as f:
        f.write(HEADER)
        f.writelines(f'#KONTO {a} "Konto {a} Växjö"\n' for a in ACCOUNTS + FINANCE + ["1930"])
        f.writelines(f'#OBJEKT 1 "{o}" "Ansvar {o}"\n' for o in OBJECTS)
        ver = 0
        while written < n_trans:
            ver += 1
            month = 1 + (ver % 3)
            day = 1 + (ver % 28)
            f.write(f'#VER A {ver} 2025{month:02d}{day:02d} "Verifikation {ver}"\n{{\n')
            total = 0
            lines = min(9, n_trans - written - 1) if n_trans - written > 1 else 0
            for _ in range(lines):
                amount = rnd.randrange(-500_000_00, 500_000_00)
                total += amount
                if rnd.random() < 0.2:
                    f.write(f"   #TRANS {rnd.choice(FINANCE)} {{}} {_kr(amount)}\n")
                else:
                    f.write(f'   #TRANS {rnd.choice(ACCOUNTS)} {{1 "{rnd.choice(OBJECTS)}"}} '
                            f"{_kr(amount)} 2025{month:02d}{day:02d}\n")
            f.write(f"   #TRANS 1930 {{}} {_kr(-total)}\n}}\n")
            written += lines + 1
    return written


if __name__ == "__main__":
    n = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    print(f"{n} #TRANS-rader i {sys.argv[1]}")
