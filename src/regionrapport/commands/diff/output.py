"""The outputs of `rapport diff`: text for the terminal, Markdown for a pull-request comment, JSON."""
from __future__ import annotations

import json
import re

from ...diagnostics import UNSAFE_CHARS
from ...numbers import DASH
from .compare import STATUS_COLOUR, DiffResult, ReportDiff, Side

SECTIONS = (("figures", "Ändrade siffror"), ("derived", "Härledda siffror som ändrades som följd"),
            ("metrics", "Mätetal"), ("statuses", "Status som ändrades"),
            ("goal_summary", "Måluppfyllelse"), ("added", "Tillagt"), ("removed", "Borttaget"),
            ("texts", "Texter"), ("header", "Rapportens uppgifter"))
STATE_TEXT = {"added": "ny rapport", "removed": "rapporten är borttagen", "unchanged": "inga ändringar",
              "unreadable": "kunde inte läsas"}


def _side_name(s: Side) -> str:
    return s.label if s.rev is None else (f"{s.short} ({s.label})" if s.label not in (s.short, s.rev) else s.short)


def _counts(r: ReportDiff) -> str:
    parts = []
    for key, one, many in (("figures", "ändrad siffra", "ändrade siffror"), ("derived", "härledd", "härledda"),
                           ("metrics", "mätetalsvärde", "mätetalsvärden"), ("statuses", "status", "status"),
                           ("added", "tillagd", "tillagda"), ("removed", "borttagen", "borttagna"),
                           ("texts", "text", "texter")):
        n = len(getattr(r, key))
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts) or "ändrad"


def _line(kind: str, c: dict, words) -> str:
    if kind in ("figures", "derived"):
        delta = f" ({c['difference']})" if c["difference"] else ""
        return f"{c['post_name']}, {c['column_name']}: {c['before_text'] or '(ingen)'} → {c['after_text'] or '(ingen)'}{delta}"
    if kind == "metrics":
        return f"{c['name']}, {c['field']}: {c['before']} → {c['after']}"
    if kind == "statuses":
        colour = ""
        if c["kind"] == "mätetal":
            colour = f" ({STATUS_COLOUR.get(c['before'], c['before'])} → {STATUS_COLOUR.get(c['after'], c['after'])})"
        return f"{c['name']} ({c['kind']}): {c['before_text']} → {c['after_text']}{colour}"
    if kind == "goal_summary":
        cat = {"verksamhet": "verksamhetens mätetal", "finansiell": "finansiella mätetal"}.get(c["category"], c["category"])
        return f"{cat}, {STATUS_COLOUR.get(c['status'], c['status'])}: {c['before']} → {c['after']}"
    if kind in ("added", "removed"):
        return f"{c['kind']} {c['name']}" + (f" ({c['id']})" if c["id"] != c["name"] else "")
    if kind == "texts":
        return f"{c['where']}: {words(c['words'])}"
    if kind == "header":
        return f"{c['field']}: {c['before']} → {c['after']}"
    raise ValueError(kind)


def _words_text(ops) -> str:
    return " ".join(w if op == "=" else f"[-{w}-]" if op == "-" else f"{{+{w}+}}" for op, w in ops)


def render_text(res: DiffResult) -> str:
    from ...diagnostics import render_text as diag_text

    out = [f"Jämför {_side_name(res.before)} med {_side_name(res.after)}."]
    if not res.reports:
        out.append("Inga rapporter att jämföra.")
    for r in res.reports:
        head = f"{r.id}" + (f" ({_one_line(r.title)})" if r.title else "")
        if r.state != "changed":
            out.append(f"\n{head}: {STATE_TEXT[r.state]}")
            for side, ds in r.problems.items():
                out.append(f"  i {side}:")
                out.append("\n".join("    " + line for line in diag_text(ds).splitlines()))
            continue
        out.append(f"\n{head}: {_counts(r)}")
        for side, ds in r.problems.items():
            out.append(f"  Fel i {side} (rapport check visar dem):")
            out.append("\n".join("    " + line for line in diag_text(ds).splitlines()))
        for key, label in SECTIONS:
            items = getattr(r, key)
            if items:
                out.append(f"  {label}:")
                out += [f"    {_one_line(_line(key, c, _words_text))}" for c in items]
    return "\n".join(out) + "\n"


MD_MARKER = "<!-- rapport-diff -->"
MD_MAX_CHARS = 60_000  # GitHub refuses a comment of more than 65 536 characters
ZWSP = "&#8203;"  # a zero-width space, as an entity: it renders as nothing and survives copying the source
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
# control characters and the bidirectional marks and overrides that make a text display as
# another: what a terminal message shows escaped (diagnostics.UNSAFE_CHARS), here dropped
# once the line breaks among them have become spaces (_one_line)
_INVISIBLE = re.compile(f"[{UNSAFE_CHARS}]")
# what GitHub turns into a mention, a reference or a link; the space goes right after the match
_AUTOLINKED = re.compile(r"@(?=[A-Za-z0-9])|#(?=\d)|\b(?:https?|ftp)(?=:)|\bw(?=ww\.)", re.I)
MD_FOLD = 10  # longer lists are folded into <details>
MD_MAX_ROWS = 300  # a PR comment holds 65 536 characters


def _md(s) -> str:
    """Text from the data as inert Markdown inside one line of a GitHub comment.

    The data comes from the pull request under review, so nothing in it may shape
    the comment: line breaks (a new line could start a heading, a list or a table
    row) become spaces, control characters and bidirectional overrides go,
    Markdown's inline punctuation is backslash-escaped (emphasis, links and images,
    code, HTML tags, table pipes), and what GitHub links by itself (`@user`
    mentions, `#123` references, bare URLs) is broken with a zero-width space, so
    that it reads the same but notifies and links nothing.
    """
    s = _one_line(s)
    for ch in "\\`*_[]<>|~":
        s = s.replace(ch, "\\" + ch)
    return _AUTOLINKED.sub(lambda m: m.group(0) + ZWSP, s)


def _one_line(s) -> str:
    return _INVISIBLE.sub("", _LINE_BREAKS.sub(" ", str(s)))


def _block_safe(line: str) -> str:
    """A list item's text that cannot start a block of its own (heading, quote, list, code)."""
    line = line.lstrip()
    line = re.sub(r"^(\d+)([.)])", r"\1\\\2", line)
    return re.sub(r"^([#>+=-])", r"\\\1", line)


def _code(s) -> str:
    """Text for a code span: no backtick can end it early, no line break."""
    return _one_line(s).replace("`", "'")


def _words_md(ops) -> str:
    return " ".join(_md(w) if op == "=" else f"~~{_md(w)}~~" if op == "-" else f"**{_md(w)}**" for op, w in ops)


def _md_table(items: list) -> list[str]:
    rows = ["| Post | Kolumn | Före | Efter | Skillnad |", "|:--|:--|--:|--:|--:|"]
    for c in items[:MD_MAX_ROWS]:
        rows.append(f"| {_md(c['post_name'])} | {_md(c['column_name'])} | {_md(c['before_text'] or DASH)} | "
                    f"{_md(c['after_text'] or DASH)} | {_md(c['difference'])} |")
    if len(items) > MD_MAX_ROWS:
        rows.append(f"| … och {len(items) - MD_MAX_ROWS} till | | | | |")
    return rows


def render_markdown(res: DiffResult) -> str:
    def side(s: Side) -> str:
        return s.label if s.rev is None else f"`{s.short}`" + (f" ({_md(s.label)})" if s.label not in (s.short, s.rev) else "")

    out = [MD_MARKER, "### Vad ändringen gör med rapporterna", "",
           f"Jämför {side(res.before)} med {side(res.after)}.", ""]
    quiet = []
    for r in res.reports:
        if r.state == "unchanged":
            quiet.append(r.id)
            continue
        out.append(f"#### {_md(r.id)}" + (f": {_md(r.title)}" if r.title else ""))
        out.append("")
        if r.state != "changed":
            out.append(f"*{STATE_TEXT[r.state].capitalize()}.*")
            out.append("")
        for s, ds in r.problems.items():
            out.append(f"**Fel i {_md(s)}** (`rapport check` visar dem)")
            out.append("")
            out += [f"- `{_code(d.file)}:{d.line}` {d.code} {_md(d.message)}" for d in ds[:20]]
            if len(ds) > 20:
                out.append(f"- … och {len(ds) - 20} till")
            out.append("")
        if r.state != "changed":
            continue
        for key, label in SECTIONS:
            items = getattr(r, key)
            if not items:
                continue
            out.append(f"**{label} ({len(items)})**")
            out.append("")
            body = _md_table(items) if key in ("figures", "derived") else \
                [f"- {_md_line(key, c)}" for c in items[:MD_MAX_ROWS]]
            if len(items) > MD_FOLD:
                out += [f"<details><summary>Visa {len(items)}</summary>", "", *body, "", "</details>"]
            else:
                out += body
            out.append("")
    if quiet:
        out.append("Oförändrade: " + ", ".join(_md(q) for q in quiet) + ".")
    if not res.reports:
        out.append("Inga rapporter att jämföra.")
    return _fit("\n".join(out).rstrip() + "\n")


def _fit(md: str) -> str:
    """The comment cut at a line to what GitHub accepts, saying so."""
    if len(md) <= MD_MAX_CHARS:
        return md
    cut = md.rfind("\n", 0, MD_MAX_CHARS - 200)
    return md[:cut] + f"\n\n*… förkortad: {len(md) - cut} tecken till. Kör `rapport diff` för allt.*\n"


def _md_line(kind: str, c: dict) -> str:
    if kind == "texts":
        return f"*{_md(c['where'])}*: {_words_md(c['words'])}"
    return _block_safe(_md(_line(kind, c, _words_text)))


def render_json(res: DiffResult) -> str:
    return json.dumps(res.as_dict(), ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
