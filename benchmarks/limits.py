"""Issue 12, "every check is linear": `rapport check` on generated hostile inputs at
growing sizes, in-process, CPU time of the check alone (loading included).

    .venv/bin/python benchmarks/limits.py            # sizes 500, 1000, 2000, 4000
    .venv/bin/python benchmarks/limits.py --sizes 1000,2000

Shapes (each added to a copy of the example's delar-mars-2025):
- chain:     n posts, each the `summa` of the next (was a RecursionError at ~1 500)
- repeated:  one relation `rel_summa = rel_del + rel_del + ...` with n terms (was 144 s at 5 000)
- distinct:  one relation over n distinct columns, one post giving all but one (was quadratic)
- texts:     n metric comments with helpers (`{{ uppfyllda('...') }} av {{ antal('...') }}`)

The last column is time(2n) / time(n): at most 2 is linear (less while the base cost of
the example dominates), 4 quadratic.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = "delar-mars-2025"
COMMENT = "    kommentar: Inte heller i fjol fanns något värde per mars. För helåret 2024 blev förtroendet 66 %.\n"


def _copy() -> Path:
    root = Path(tempfile.mkdtemp(prefix="rapport-limits-")) / "p"
    root.mkdir()
    shutil.copy(ROOT / "organisation.yaml", root)
    shutil.copytree(ROOT / "data", root / "data")
    return root


def _posts(text: str, lines: str) -> str:
    at = text.index("\nposter:\n") + len("\nposter:\n")
    return text[:at] + lines + text[at:]


def chain(text: str, n: int) -> str:
    return _posts(text, "".join(f"  kedja_{i}: {{namn: K{i}, summa: [kedja_{i + 1}]}}\n" for i in range(n))
                  + f"  kedja_{n}: {{namn: K{n}, utfall: 1}}\n")


def repeated(text: str, n: int) -> str:
    text = text.replace("\nkolumner:\n", "\nkolumner:\n  rel_del: {rubrik: D}\n  rel_summa: {rubrik: S}\n", 1)
    text = text.replace("\nrelationer:\n", "\nrelationer:\n  - rel_summa = " + " + ".join(["rel_del"] * n) + "\n", 1)
    return _posts(text, "  rel_post: {namn: R, rel_del: 1}\n")


def distinct(text: str, n: int) -> str:
    cols = "".join(f"  rk_{i}: {{rubrik: K{i}}}\n" for i in range(n)) + "  rk_sum: {rubrik: S}\n"
    text = text.replace("\nkolumner:\n", "\nkolumner:\n" + cols, 1)
    text = text.replace("\nrelationer:\n", "\nrelationer:\n  - rk_sum = " + " + ".join(f"rk_{i}" for i in range(n)) + "\n", 1)
    return _posts(text, "  rk_post: {namn: R, " + ", ".join(f"rk_{i}: 1" for i in range(1, n)) + f", rk_sum: {n}}}\n")


def texts(text: str, n: int) -> str:
    comment = "    kommentar: \"{{ uppfyllda('vard_for_alla') }} av {{ antal('vard_for_alla') }}, " \
              "{{ belopp('hsn', 'avvikelse') }}{% if antal() > 1 %} och fler{% endif %}.\"\n"
    text = text.replace(COMMENT, comment)
    extra = "".join(f"  extra_{i}: {{utfall: 1, kommentar: \"{{{{ uppfyllda(omrade='halso_och_sjukvard') }}}} nr {i}\"}}\n"
                    for i in range(n))
    return text.replace("\nmatetal:\n", "\nmatetal:\n" + extra, 1)


SHAPES = {"chain": chain, "repeated": repeated, "distinct": distinct, "texts": texts}


def measure(shape, n: int) -> float:
    from regionrapport.commands.check import check
    from regionrapport.project import load_project

    root = _copy()
    f = root / "data" / "outcomes" / f"{REPORT}.yaml"
    f.write_text(shape(f.read_text(encoding="utf-8"), n), encoding="utf-8")
    start = time.process_time()
    result = check(load_project(root), [REPORT])
    took = time.process_time() - start
    shutil.rmtree(root.parent)
    if shape is not texts and result.errors:  # texts: the extra metrics are unknown to the budget (RR1xx), still checked
        raise SystemExit(f"{shape.__name__} {n}: {result.errors[:3]}")
    return took


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="500,1000,2000,4000")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    sys.setrecursionlimit(1000)  # the default: the point is that nothing needs more
    measure(chain, 0)  # imports and first-use costs
    base = measure(chain, 0)
    print(f"base (the example, checked in-process): {base * 1000:.0f} ms CPU")
    for name, shape in SHAPES.items():
        times = [measure(shape, n) for n in sizes]
        row = [f"{n}: {t * 1000:.0f} ms" for n, t in zip(sizes, times, strict=True)]
        growth = [b / a for a, b in pairwise(times)]
        print(f"{name:9} " + ", ".join(row) + "   time(2n)/time(n): " + ", ".join(f"{g:.1f}" for g in growth))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
