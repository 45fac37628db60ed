"""What the renderer will need: templates, tables and texts named in the section
list, and the organisation's style files. Checked here so that `rapport check`
finds in a second what `rapport build` would otherwise stop on after pandoc.

Rules RR503, RR505 and RR506 can only happen while rendering; they are
registered here so that every code a user can see is documented.
"""
from __future__ import annotations

import difflib
from pathlib import Path

from ..model.organisation import section_views
from .registry import documented, rule

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"  # = render.markdown.BUILTIN_TEMPLATES


def _template_exists(report, name: str) -> bool:
    return (report.project.templates_dir / name).is_file() or (BUILTIN_TEMPLATES / name).is_file()


def _sections(report):
    """(sections, smap, path of the list) as the renderer will use them."""
    r, org = report.outcomes.rapport, report.org
    if r.sektioner is not None:
        return section_views(r.sektioner), report.smap, ("rapport", "sektioner")
    kind = org.rapporttyper.get(r.typ)
    if kind is None:
        return [], None, None
    return section_views(kind.sektioner), report.project.org_smap, ("rapporttyper", r.typ, "sektioner")


def _close(word, options) -> str:
    c = difflib.get_close_matches(str(word), sorted(options), n=1, cutoff=0.6)
    return f"Menade du '{c[0]}'? " if c else ""


@rule("RR501", "Template not found")
def templates(report, collector):
    """The report kind (`rapport.typ`) has neither a template `templates/<typ>.md.j2`
    nor a section list in organisation.yaml (`rapporttyper`), or a section names
    a template `templates/sektioner/<name>.md.j2` that exists neither in the
    project nor among the built-in templates.
    Fix: correct the name, or create the template in the project's templates/.
    """
    typ = report.outcomes.rapport.typ
    if typ not in report.org.rapporttyper and not _template_exists(report, f"{typ}.md.j2"):
        collector.add(report.smap.diag(("rapport", "typ"), "RR501",
                                       f"Rapporttypen '{typ}' har varken en mall ({typ}.md.j2) eller en sektionslista i organisation.yaml.",
                                       _close(typ, report.org.rapporttyper) + "Typer: " + ", ".join(report.org.rapporttyper) + "."))
    sections, smap, base = _sections(report)
    known = sorted({p.stem.removesuffix(".md") for d in (report.project.templates_dir / "sektioner", BUILTIN_TEMPLATES / "sektioner")
                    if d.is_dir() for p in d.glob("*.md.j2")})
    for i, s in enumerate(sections):
        if isinstance(s, str) and not _template_exists(report, f"sektioner/{s}.md.j2"):
            collector.add(smap.diag((*base, i), "RR501", f"Sektionen '{s}' har ingen mall (sektioner/{s}.md.j2).",
                                    _close(s, known) + "Skapa mallen i templates/sektioner/ eller ta bort sektionen."))


@rule("RR502", "Section names an unknown table or text")
def section_references(report, collector):
    """An entry of the section list (organisation.yaml `rapporttyper.<typ>.sektioner`
    or the report's `rapport.sektioner`) names a table (`{tabell: id}`) that
    neither the budget nor the outcomes file declares under `tabeller`, or a text
    (`{text: id}`) missing from the report's `texter`; or the entry is of no known
    kind. The renderer would stop on it.
    Fix: correct the id, or add the table or text.
    """
    sections, smap, base = _sections(report)
    tables = set(report.outcomes.tabeller) | set(report.budget.tabeller)
    texts = set(report.outcomes.texter)
    for i, s in enumerate(sections):
        if isinstance(s, str):
            continue
        if not isinstance(s, dict) or not ({"tabell", "rubrik", "text", "perspektiv"} & set(s)):
            collector.add(smap.diag((*base, i), "RR502", f"Sektion {i + 1} är varken ett mallnamn, {{tabell: id}}, {{rubrik: ...}}, {{text: id}} eller {{perspektiv: id}}.",
                                    "Se docs/yaml-format.md för sektionslistan."))
            continue
        if "tabell" in s and s["tabell"] not in tables:
            collector.add(smap.diag((*base, i, "tabell"), "RR502", f"Sektionen hänvisar till tabellen '{s['tabell']}', som inte finns.",
                                    _close(s["tabell"], tables) + "Tabeller deklareras under 'tabeller' i budget- eller utfallsfilen."))
        if "perspektiv" in s and s["perspektiv"] not in report.org.perspektiv:
            collector.add(smap.diag((*base, i, "perspektiv"), "RR547", f"Sektionen visar perspektivet '{s['perspektiv']}', som inte finns.",
                                    _close(s["perspektiv"], report.org.perspektiv) + "Perspektiv deklareras under 'perspektiv' i organisation.yaml."))
        if "text" in s and s["text"] not in texts:
            collector.add(smap.diag((*base, i, "text"), "RR502", f"Sektionen hänvisar till texten '{s['text']}', som inte finns i rapportens texter.",
                                    _close(s["text"], texts) + "Texter skrivs under 'texter' i utfallsfilen."))


@rule("RR504", "Style file missing or unusable")
def style_files(report, collector):
    """organisation.yaml names a logo (`logotyp`), reference document
    (`referensdokument`) or typst template (`typstmall`) that does not exist, a
    colour under `farger` that is not #rrggbb (RR507), or a logo in a format the
    outputs cannot use (RR508).
    Fix: give a path relative to the project folder, a colour such as #1f4e79,
    a PNG or JPEG logo; or remove the key for the built-in look.
    """
    from ..diagnostics import ReportError
    from ..style import default_style

    try:
        default_style(report.project.root, report.org, report.project.org_smap)
    except ReportError as e:
        collector.extend(e.diagnostics)


# The columns the built-in goal template (templates/sektioner/mal.md.j2) knows; a test
# renders each of them, so this list and the template cannot drift apart.
GOAL_COLUMNS = ("matetal", "utfall", "historik", "mal", "malvarde", "status", "resultat", "trend", "kommentar", "analys")


@rule("RR660", "Goal-table column unknown to the built-in goal template")
def goal_columns(report, collector):
    """`malkolumner` in organisation.yaml names a column that the built-in goal
    template (`sektioner/mal.md.j2`) does not know. `rapport build` would stop on it
    with RR503 inside the template. A project that has its own
    `templates/sektioner/mal.md.j2` decides its own columns (the template reads
    `org.malkolumner` as it likes), so then the names are not checked.
    Fix: use one of the built-in columns (matetal, utfall, historik, mal,
    malvarde, status, resultat, trend, kommentar, analys), or write your own
    goal template.
    """
    if (report.project.templates_dir / "sektioner" / "mal.md.j2").is_file():
        return
    smap = report.project.org_smap
    for i, c in enumerate(report.org.malkolumner):
        if c not in GOAL_COLUMNS:
            collector.add(smap.diag(("malkolumner", i), "RR660",
                                    f"Målkolumnen '{c}' finns inte i den inbyggda målmallen (sektioner/mal.md.j2).",
                                    _close(c, GOAL_COLUMNS) + "Kolumner: " + ", ".join(GOAL_COLUMNS)
                                    + ". Egna kolumner kräver en egen templates/sektioner/mal.md.j2."))


documented("RR503", "Template error", """
A Jinja template fails while rendering: a syntax error, or a variable that does
not exist (undefined variables are errors, never empty text). Only `rapport
build` can find it; the message gives the template file and line.
Fix: correct the template.
""")
documented("RR505", "pandoc failed", """
pandoc could not convert the rendered Markdown to DOCX or typst. Usually caused
by a custom reference document or template.
Fix: as pandoc's message says; try without `referensdokument`/`typstmall`.
""")
documented("RR506", "typst failed", """
typst could not compile the PDF, usually because a custom typst template
(`typstmall`) lacks something pandoc's output uses.
Fix: as typst's message says; start from the built-in template.
""")
documented("RR507", "Colour is not #rrggbb", """
A colour under `farger` in organisation.yaml is not written as # followed by
six hexadecimal digits. Checked by `rapport check` through RR504.
Fix: write e.g. #1f4e79.
""")
documented("RR508", "Logo format not supported", """
The logo (`logotyp`) is not a PNG, JPEG or SVG file, or its size cannot be
read. Checked by `rapport check` through RR504.
Fix: use a PNG or JPEG (SVG works in the PDF only).
""")


@rule("RR625", "Table unfolds to too many rows")
def table_size(report, collector):
    """A table with `visa_varav: true` shows each row's `varav` rows under it, and theirs
    under them. Breakdowns that share posts unfold exponentially (each of 30 levels
    listing the next twice is a billion rows), so a table is refused past 5 000 rows.
    A post is never shown inside itself.
    Fix: show fewer levels (`visa_varav: false`, or list the rows you want under `rader`).
    """
    from ..compute.derived import MAX_TABLE_ROWS, TableTooLarge, post_rows

    for smap, tables in ((report.budget_smap, report.budget.tabeller), (report.smap, report.outcomes.tabeller)):
        for tid, t in tables.items():
            if not t.visa_varav:
                continue
            count = 0
            for row in t.rader:
                pid = row if isinstance(row, str) else row.post
                if pid is None or pid not in report.posts:
                    count += 1
                    continue
                try:
                    count += len(post_rows(pid, report.posts, True, MAX_TABLE_ROWS - count))
                except TableTooLarge:
                    collector.add(smap.diag(("tabeller", tid, "visa_varav"), "RR625",
                                            f"Tabellen '{tid}' får fler än {MAX_TABLE_ROWS} rader när varav-raderna visas.",
                                            "Ange visa_varav: false, eller lista raderna under 'rader'."))
                    break
