"""A synthetic organisation N times the size of the Kronoberg example, for benchmarks.

    python benchmarks/generate.py DEST [--scale 100]

writes DEST/organisation.yaml, DEST/data/budget/budget-syntet.yaml and
DEST/data/outcomes/delar-syntet.yaml: a project that `rapport check` passes
without a single diagnostic, so a benchmark times the real work and not the
printing of errors.

Per 1x of scale: 7 areas, 3 committees with 2 units each (9 committees and
units), 10 goals with 3 metrics each (30 metrics), 50 assignments, 3
activities, one table of committees per 30 committees and a handful of
result-chain posts. So 100x is about 900 committees and units, 3,000 metrics
and 5,000 assignments, as issue 8 asks.

Every figure is an integer and every sum is computed here, so the printed
totals (`tryckt`), the complete breakdowns and the control sums (`kontroll`)
agree exactly. The numbers come from a seeded generator: one scale always
gives byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

REPORT_ID = "delar-syntet"
BUDGET_ID = "budget-syntet"
YEAR = 2025

PERSPECTIVES = {"invanare": "Invånare", "process": "Processutveckling och produktion",
                "medarbetare": "Medarbetare", "ekonomi": "Ekonomi"}
STATUS_IDS = ["ej_paborjat", "pagar", "slutfort", "aterrapporterat"]
COMMITTEES_PER_TABLE = 30


def q(text: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(text, ensure_ascii=False)


def _organisation(n_areas: int, n_tables: int) -> str:
    persp_ids = list(PERSPECTIVES)
    areas = "\n".join(f"  omr_{a:04d}: {{namn: {q(f'Verksamhetsområde {a}')}, perspektiv: {persp_ids[a % 4]}}}"
                      for a in range(n_areas))
    tables = "\n".join(f"      - {{tabell: driftredovisning_{t:03d}}}" for t in range(n_tables))
    persp = "\n".join(f"  {k}: {v}" for k, v in PERSPECTIVES.items())
    return f"""\
# Synthetic organisation for benchmarks (benchmarks/generate.py); not a real region.
namn: Region Syntet
enhet: mnkr

perspektiv:
{persp}

omraden:
{areas}

perioder:
  mars: {{namn: delår per mars, manader: 3, kort: jan–mar}}

trosklar: {{gron: 1.0, gul: 0.8}}

status:
  gron: {{text: Målet uppfyllt, symbol: "●", farg: "#2e7d32"}}
  gul: {{text: Delvis tillfredsställande, symbol: "◐", farg: "#f9a825"}}
  rod: {{text: Otillfredsställande, symbol: "○", farg: "#c62828"}}
  saknas: {{text: Utfall saknas, symbol: "–", farg: "#757575"}}

bedomning:
  uppfyllt: Tillfredsställande
  delvis: Delvis tillfredsställande
  ej_uppfyllt: Otillfredsställande

uppdragsstatus:
  ej_paborjat: Ej påbörjat
  pagar: Pågår
  slutfort: Slutfört
  aterrapporterat: Återrapporterat

kolumner:
  utfall: {{rubrik: "Utfall"}}
  budget: {{rubrik: "Budget"}}
  avvikelse: {{rubrik: "Avvik."}}
  utfall_fg_ar: {{rubrik: "Utfall fg år"}}
  arsbudget: {{rubrik: "Årsbudget"}}
  prognos: {{rubrik: "Prognos helår"}}
  prognos_avvikelse: {{rubrik: "Prognosavvikelse"}}

relationer:
  - avvikelse = utfall - budget
  - prognos = arsbudget + prognos_avvikelse

rapporttyper:
  delar:
    sektioner:
      - {{rubrik: Förvaltningsberättelse, niva: 1}}
      - {{tabell: resultat_per_namnd}}
      - mal
      - malsammanfattning
      - {{rubrik: Ekonomisk redovisning, niva: 1}}
      - namnder
{tables}
      - uppdrag_bilaga
"""


def generate(dest: Path, scale: int = 100, seed: int = 8) -> dict:
    """Write the project into dest (created if needed); return its counts."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rnd = random.Random(seed * 1000 + scale)
    n_areas, n_comm, n_goals, n_assign, n_act = 7 * scale, 3 * scale, 10 * scale, 50 * scale, 3 * scale
    n_tables = -(-n_comm // COMMITTEES_PER_TABLE)
    areas = [f"omr_{a:04d}" for a in range(n_areas)]
    committees = [f"n{c:04d}" for c in range(n_comm)]

    # --- amounts: units store utfall/budget/utfall_fg_ar; committees derive them -------------
    unit_vals: dict[str, dict[str, int]] = {}
    comm_units: dict[str, list[str]] = {}
    comm_vals: dict[str, dict[str, int]] = {}
    for c in committees:
        units = [f"{c}_e{u}" for u in range(2)]
        comm_units[c] = units
        for u in units:
            budget = -rnd.randint(5, 400)
            unit_vals[u] = {"utfall": budget + rnd.randint(-20, 20), "budget": budget,
                            "utfall_fg_ar": budget + rnd.randint(-30, 30)}
        comm_vals[c] = {k: sum(unit_vals[u][k] for u in units) for k in ("utfall", "budget", "utfall_fg_ar")}
        comm_vals[c]["arsbudget"] = 4 * comm_vals[c]["budget"] + rnd.randint(-10, 10)
        comm_vals[c]["prognos_avvikelse"] = rnd.randint(-15, 15)
    groups = [committees[i:i + 10] for i in range(0, n_comm, 10)]
    net = {k: sum(comm_vals[c][k] for c in committees) for k in ("utfall", "budget", "utfall_fg_ar", "arsbudget")}
    taxes = {"utfall": -net["utfall"] + rnd.randint(10, 90), "budget": -net["budget"] + rnd.randint(10, 90),
             "utfall_fg_ar": -net["utfall_fg_ar"] + rnd.randint(10, 90), "arsbudget": -net["arsbudget"] + 200}

    # --- budget file ------------------------------------------------------------------------
    b: list[str] = [f"# Synthetic budget, {scale}x the example (benchmarks/generate.py).",
                    f"ar: {YEAR}", f"titel: Budget {YEAR} (syntetisk)", "", "namnder:"]
    for i, c in enumerate(committees):
        units = comm_units[c]
        b.append(f"  {c}:")
        b.append(f"    namn: {q(f'Nämnd {i}')}")
        b.append(f"    kortnamn: N{i}")
        b.append(f"    arsbudget: {comm_vals[c]['arsbudget']}")
        b.append(f"    varav: {{fullstandig: true, rader: [{', '.join(units)}]}}")
        b.append("    enheter: {" + ", ".join(f"{u}: {q(f'Enhet {i}.{k}')}" for k, u in enumerate(units)) + "}")
    b += ["", "poster:"]
    for g, members in enumerate(groups):
        b.append(f"  grupp_{g:03d}: {{namn: {q(f'Nämndgrupp {g}')}, summa: [{', '.join(members)}]}}")
    b.append("  verksamhetens_nettokostnad:")
    b.append("    namn: Verksamhetens nettokostnad")
    b.append(f"    summa: [{', '.join(committees)}]")
    b.append(f"    kontroll: [[{', '.join(f'grupp_{g:03d}' for g in range(len(groups)))}]]")
    b.append(f"  skatteintakter: {{namn: Skatteintäkter och generella statsbidrag, arsbudget: {taxes['arsbudget']}}}")
    b.append("  resultat: {namn: Resultat, summa: [verksamhetens_nettokostnad, skatteintakter]}")

    targets = []
    b += ["", "mal:"]
    metric_ids: list[tuple[str, str]] = []  # (goal, metric)
    for gi in range(n_goals):
        gid = f"mal_{gi:04d}"
        b.append(f"  {gid}:")
        b.append(f"    namn: {q(f'Mål {gi}: verksamheten ska utvecklas i önskad riktning')}")
        b.append(f"    omrade: {areas[gi % n_areas]}")
        b.append("    matetal:")
        for k in range(3):
            mid = f"m{gi:04d}_{k}"
            metric_ids.append((gid, mid))
            kind = (gi * 3 + k) % 5
            target = {0: str(rnd.randint(50, 95)), 1: f"{{minst: {rnd.randint(10, 60)}}}",
                      2: f"{{hogst: {rnd.randint(5, 40)}}}", 3: "{typ: trend}",
                      4: f"{{intervall: [{rnd.randint(10, 40)}, {rnd.randint(50, 90)}]}}"}[kind]
            targets.append(kind)
            b.append(f"      {mid}: {{namn: {q(f'Mätetal {gi}.{k} för uppföljning av målet')}, enhet: "
                     f"{'procent' if kind != 2 else 'dagar'}, riktning: {'lagre' if kind == 2 else 'hogre'}, "
                     f"mal: {target}, kategori: {'finansiell' if k == 2 and gi % 4 == 0 else 'verksamhet'}}}")

    b += ["", "uppdrag:"]
    assignments = []
    for ai in range(n_assign):
        aid = f"u{ai:05d}"
        resp = [committees[ai % n_comm]] + ([committees[(ai * 7 + 1) % n_comm]] if ai % 3 == 0 and n_comm > 1 else [])
        resp = list(dict.fromkeys(resp))
        assignments.append((aid, resp))
        b.append(f"  {aid}: {{text: {q(f'Uppdrag {ai}: utveckla och följa upp verksamhetens arbetssätt')}, "
                 f"perspektiv: {list(PERSPECTIVES)[ai % 4]}, omrade: {areas[ai % n_areas]}, "
                 f"ansvar: [{', '.join(resp)}]}}")
    b += ["", "aktiviteter:"]
    for xi in range(n_act):
        b.append(f"  akt_{xi:04d}: {{text: {q(f'Aktivitet {xi} inom området')}, omrade: {areas[(xi * 2) % n_areas]}}}")

    # --- outcomes file ----------------------------------------------------------------------
    o: list[str] = [f"# Synthetic interim report, {scale}x the example (benchmarks/generate.py).",
                    "rapport:", f"  titel: Delårsrapport per mars {YEAR} (syntetisk, {scale}x)", "  typ: delar",
                    f"  budget: {BUDGET_ID}", f"  ar: {YEAR}", "  period: mars", f"  datum: {YEAR}-04-24",
                    "", "poster:"]
    for i, c in enumerate(committees):
        v = comm_vals[c]
        text = f"Nämnd {i} redovisar ett resultat i linje med budget för perioden."
        comment = f", kommentar: {q(text)}" if i % 5 == 0 else ""
        o.append(f"  {c}: {{prognos_avvikelse: {v['prognos_avvikelse']}, "
                 f"tryckt: {{avvikelse: {v['utfall'] - v['budget']}}}{comment}}}")
        for u in comm_units[c]:
            uv = unit_vals[u]
            o.append(f"  {u}: {{utfall: {uv['utfall']}, budget: {uv['budget']}, utfall_fg_ar: {uv['utfall_fg_ar']}}}")
    o.append(f"  skatteintakter: {{utfall: {taxes['utfall']}, budget: {taxes['budget']}, "
             f"utfall_fg_ar: {taxes['utfall_fg_ar']}, prognos_avvikelse: 0}}")
    res = {k: net[k] + taxes[k] for k in ("utfall", "budget")}
    o.append(f"  resultat: {{tryckt: {{utfall: {res['utfall']}, avvikelse: {res['utfall'] - res['budget']}}}}}")

    o += ["", "tabeller:", "  resultat_per_namnd:", "    rubrik: Resultat per nämndgrupp",
          "    kolumner: [utfall, budget, avvikelse, utfall_fg_ar, arsbudget]", "    rader:"]
    o += [f"      - grupp_{g:03d}" for g in range(len(groups))]
    o += ["      - {post: verksamhetens_nettokostnad, stil: summa}", "      - skatteintakter",
          "      - {post: resultat, stil: summa}"]
    for t in range(n_tables):
        members = committees[t * COMMITTEES_PER_TABLE:(t + 1) * COMMITTEES_PER_TABLE]
        o += [f"  driftredovisning_{t:03d}:", f"    rubrik: Driftredovisning, del {t + 1}",
              "    kolumner: [utfall, budget, avvikelse, utfall_fg_ar, prognos_avvikelse]", "    visa_varav: true",
              "    rader: [" + ", ".join(members) + "]"]

    o += ["", "matetal:"]
    for n, (_gid, mid) in enumerate(metric_ids):
        kind = targets[n]
        if n % 17 == 16:
            o.append(f"  {mid}: {{utfall: null, saknas: Mätningen redovisas i nästa delårsrapport.}}")
            continue
        hi = 40 if kind == 2 else 95
        hist = f"{{{YEAR - 1}: {rnd.randint(3, hi)}, {YEAR - 2}: {rnd.randint(3, hi)}}}"
        comment = ", kommentar: Utfallet följer den plan som nämnden har beslutat." if n % 4 == 0 else ""
        o.append(f"  {mid}: {{utfall: {rnd.randint(3, hi)}, historik: {hist}{comment}}}")

    o += ["", "omraden:"]
    for a, aid in enumerate(areas):
        goal = f"mal_{a:04d}" if a < n_goals else None
        text = (f"Inom målet når {{{{ uppfyllda('{goal}') }}}} av {{{{ antal('{goal}') }}}} mätetal målnivån."
                if goal and a % 2 == 0 else "Området följer sin plan för året.")
        o.append(f"  {aid}: {{bedomning: {['uppfyllt', 'delvis', 'ej_uppfyllt'][a % 3]}, text: {q(text)}}}")

    o += ["", "uppdrag:"]
    for n, (aid, resp) in enumerate(assignments):
        status = STATUS_IDS[n % 4]
        if n % 2 == 0:
            comments = ", ".join(f"{c}: {q(f'Arbetet pågår enligt plan hos {c}.')}" for c in resp)
            o.append(f"  {aid}: {{status: {status}, kommentarer: {{{comments}}}}}")
        else:
            o.append(f"  {aid}: {{status: {status}}}")
    o += ["", "aktiviteter:"]
    for xi in range(n_act):
        o.append(f"  akt_{xi:04d}: {{kommentar: {q(f'Aktivitet {xi} är genomförd.')}}}")

    dest = Path(dest)
    (dest / "data" / "budget").mkdir(parents=True, exist_ok=True)
    (dest / "data" / "outcomes").mkdir(parents=True, exist_ok=True)
    (dest / "organisation.yaml").write_text(_organisation(n_areas, n_tables), encoding="utf-8")
    (dest / "data" / "budget" / f"{BUDGET_ID}.yaml").write_text("\n".join(b) + "\n", encoding="utf-8")
    (dest / "data" / "outcomes" / f"{REPORT_ID}.yaml").write_text("\n".join(o) + "\n", encoding="utf-8")
    return {"scale": scale, "areas": n_areas, "committees_and_units": 3 * n_comm, "metrics": len(metric_ids),
            "assignments": n_assign, "tables": n_tables + 1, "report": REPORT_ID}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", type=Path, help="folder to write the project into")
    ap.add_argument("--scale", type=int, default=100, help="size as a multiple of the example (default 100)")
    args = ap.parse_args(argv)
    counts = generate(args.dest, args.scale)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
