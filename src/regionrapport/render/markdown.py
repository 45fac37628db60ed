"""Jinja environment and Markdown helpers (pipe tables that line up, with their columns measured)."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from jinja2 import (BaseLoader, ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound)
from jinja2.sandbox import SandboxedEnvironment

from ..compute.derived import TableTooLarge
from ..compute.texts import TextError
from ..diagnostics import Diagnostic, ReportError
from ..paths import outside_project
from .context import Context

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _width(s: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 1 for ch in s)


def _pad(s: str, w: int, right: bool) -> str:
    gap = " " * max(0, w - _width(s))
    return gap + s if right else s + gap


def escape_cell(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


# ASCII punctuation that starts markup in pandoc's Markdown (emphasis, links, spans,
# attributes, raw TeX/HTML, entities, notes, math, code ...). Plain sentence
# punctuation (, . : ; ( ) ' " ? / % - and the dash –) is left as it is, so ordinary
# names and titles come out unchanged.
_META_MARKUP = re.compile(r"([\\`*_{}\[\]<>#+!|~^$@&=])")


def meta_string(s) -> str:
    """A value for the YAML metadata block (metadata.md.j2): printed as written.

    The organisation's name, the title, period and decision come from pull requests.
    Written between quotes as they were, a `"` ended the YAML string (the build
    failed in pandoc) and Markdown in them became markup. Here every markup
    character is backslash-escaped for pandoc's Markdown, a leading list or heading
    marker too, and the whole is written as one JSON string, which is a valid YAML
    double-quoted scalar (docs/security.md, *Metadata*).
    """
    text = " ".join(str(s).split())  # one line: a newline would start a new block
    text = _META_MARKUP.sub(r"\\\1", text)
    if re.match(r"[-]|\d+[.)]", text):
        text = "\\" + text if text[0] == "-" else re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return json.dumps(text, ensure_ascii=False)


# -- column measurements for status.lua ---------------------------------------------
# status.lua sets every table's column widths from two figures per column: its
# longest body entry and its widest word that must not break, in characters of
# the text pandoc reads from the cells (pandoc.utils.stringify). Measuring each
# cell in Lua cost about a third of each pandoc run (~0.1 s CPU, twice a build),
# so pipe_table measures the cells here, where their text is at hand, and writes
# the figures into an empty div before the table; the filter only does the sums.
# The cells are Markdown, so this reads the part of pandoc's Markdown the
# templates use: backslash escapes, [spans]{.status-x}, *emphasis*/**strong**,
# smart dashes and ellipses. A cell using anything else (links, code, notes,
# entities ...) is not guessed at: its table gets no div and the filter measures
# it as before. tests/test_table_widths.py checks both give the same figures.
MARKER_CLASS = "rr-tabell"

_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_ESC0 = 0xE000   # escaped punctuation -> U+E000 + code: a literal that no rule below matches
_SPAN0 = 0xE100  # the n-th span of a cell -> U+E100 + n
_PRIVATE = re.compile("[\uE000-\uE1FF]")
_SPAN = re.compile(r"\[([^\[\]{}]*)\]\{([^{}]*)\}")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EMPH = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
_DASH = {"---": "\u2014", "--": "\u2013"}
_LUA_SPACE = re.compile("[ \t\n\v\f\r]+")  # Lua's %s (C locale): a no-break or em space is part of a word
_SPACES = re.compile("[ \t]+")  # pandoc's spaces between words: one Space each run
_MARKUP = re.compile(r"[\\\[\]*_`<~^&\uE000-\uE1FF]|--|\.\.\.")  # all a cell without markup lacks


def _inline(src: str) -> str | None:
    """The text pandoc makes of a run of inlines without spans, or None where unsure."""
    if any(c in src for c in "`<~^[]\\") or _ENTITY.search(src):
        return None
    if "_" in src and re.search(r"(?<![^\W_])_|_(?![^\W_])", src):
        return None  # an underscore that is not inside a word may be emphasis
    # A '*' followed by a space or the end cannot open emphasis: with no other kind,
    # every '*' is literal ("inventarier*", a footnote mark). Otherwise the pairs
    # go, and a '*' left over is beyond what is modelled here.
    if re.search(r"\*\S", src):
        for pattern in (_STRONG, _EMPH):
            prev = None
            while prev != src:
                prev = src
                src = pattern.sub(r"\1", src)
        if "*" in src:
            return None
    src = _SPACES.sub(" ", src)
    src = re.sub("---|--", lambda m: _DASH[m.group(0)], src)
    return src.replace("...", "\u2026")


def cell_text(src: str) -> tuple[str, list[str]] | None:
    """A pipe-table cell's Markdown -> (its text as pandoc.utils.stringify gives it, the
    texts of its status spans); None when the cell uses Markdown not modelled here.

    Quotes stay straight where pandoc makes them curly: only lengths and spaces count.
    """
    if not _MARKUP.search(src):  # most cells (figures, plain words): only the spaces change
        return _SPACES.sub(" ", src.strip(" \t")), []
    if _PRIVATE.search(src):
        return None

    def escape(m: re.Match) -> str:
        c = m.group(1)
        return "\u00a0" if c == " " else chr(_ESC0 + ord(c))

    src = re.sub(r"\\([" + re.escape(_PUNCT) + " ])", escape, src)
    spans: list[tuple[str, bool]] = []

    def span(m: re.Match) -> str:
        spans.append((m.group(1), any(c.startswith("status-") for c in re.findall(r"(?:^|\s)\.(\S+)", m.group(2)))))
        return chr(_SPAN0 + len(spans) - 1)

    src = _SPAN.sub(span, src)
    outer = _inline(src.strip(" \t"))
    if outer is None:
        return None
    texts, statuses = [], []
    for content, status in spans:
        # pandoc drops spaces at a span's edges; keep such cells to the filter
        inner = _inline(content) if content == content.strip(" \t") else None
        if inner is None:
            return None
        texts.append(inner)
        if status:
            statuses.append(inner)

    def restore(s: str) -> str:
        s = re.sub("[\uE100-\uE1FF]", lambda m: texts[ord(m.group(0)) - _SPAN0], s)
        return re.sub("[\uE000-\uE0FF]", lambda m: chr(ord(m.group(0)) - _ESC0), s)

    return restore(outer), [restore(t) for t in statuses]


def _longest_word(text: str) -> int:
    # A soft hyphen is a place to break: "Prognos\u00adavvikelse" is two words wide.
    return max(map(len, _LUA_SPACE.split(text.replace("\u00ad", " "))))


_FIGURE = re.compile("^(?:(?:minst|högst)\u00a0)?\\(?[\u2212+-]?[0-9]")  # a target's minst/högst is tied to it


def _longest_figure(text: str) -> int:
    """The widest figure tied by no-break spaces ("2\u00a0080\u00a0kr/invånare"): never broken, so counted in
    full, and a unit per something one character more ("kWh/m²" is wider than the average)."""
    return max((len(w) + (1 if "/" in w else 0) for w in _LUA_SPACE.split(text)
                if "\u00a0" in w and _FIGURE.match(w)), default=0)


def _status_width(text: str) -> float:
    """A status span's widest unbreakable piece: its symbol is tied to the first word; +0.5 for bold."""
    words = [w for w in _LUA_SPACE.split(text) if w]
    if len(words) >= 2 and len(words[0]) <= 2:
        words[:2] = [words[0] + " " + words[1]]
    return max((len(w) for w in words), default=0) + 0.5


def measure_columns(headers: list[str], rows: list[list[str]]) -> tuple[list[float], list[float]] | None:
    """Per column, the longest body entry and the widest word that must not break, as
    status.lua's fallback `measure` finds them (see there); None if a cell is not understood.

    Header words are bold and must not break (+0.5); a body word counts only up to 12
    (it may be hyphenated), a figure with its unit in full (it is never broken); a
    status span's first word keeps its symbol.
    """
    ncols = len(headers)
    longest: list[float] = [3] * ncols
    word: list[float] = [3] * ncols
    for is_head, cells_list in ((True, [headers]), (False, rows)):
        for cells in cells_list:
            for i, cell in enumerate(cells[:ncols]):
                parsed = cell_text(cell)
                if parsed is None:
                    return None
                text, statuses = parsed
                if not text:
                    continue  # an empty cell measures 0, below the floor of 3
                w: float = _longest_word(text)
                w = w + 0.5 if is_head else max(min(w, 12), _longest_figure(text))
                if statuses:
                    w = max(w, *map(_status_width, statuses))
                if w > word[i]:
                    word[i] = w
                if not is_head and len(text) > longest[i]:
                    longest[i] = len(text)
    return longest, word


def _figures(values: list[float]) -> str:
    # whole and half characters, written so that Lua's tonumber reads the same number
    return " ".join(str(int(v)) if v == int(v) else repr(v) for v in values)


def width_marker(headers: list[str], rows: list[list[str]]) -> str:
    """The empty div status.lua reads the column measurements from ("" for a table it must measure)."""
    if len(headers) < 2:
        return ""
    m = measure_columns(headers, rows)
    if m is None:
        return ""
    return f'::: {{.{MARKER_CLASS} langst="{_figures(m[0])}" ord="{_figures(m[1])}"}}\n:::\n'


def pipe_table(headers: list[str], rows: list[list[str]], numeric: list[bool], widths: list[int] | None = None,
               first_header: str = "") -> str:
    """A pandoc pipe table. Numeric columns are right-aligned.

    With `widths` (relative), the separator line gets proportional dashes and the
    table is made wider than pandoc's --columns, so long text cells wrap with
    those proportions; without, the table is padded to line up as plain text.
    The table is preceded by its column measurements (width_marker) for
    status.lua, so the caption (": ...") goes after the table, as the templates
    write it: a caption before it would be cut off by the marker.
    """
    headers = [escape_cell(h) for h in headers]
    cells = [[escape_cell(c) for c in r] for r in rows]
    marker = width_marker(headers, cells)
    if widths:
        dashes = [max(3, round(210 * w / sum(widths))) for w in widths]
        seps = [("-" * (d - 1) + ":") if num else "-" * d for d, num in zip(dashes, numeric, strict=False)]
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(seps) + "|"]
        for r in cells:
            lines.append("| " + " | ".join(r) + " |")
        return marker + "\n".join(lines)
    w = [max([_width(h)] + [_width(r[i]) for r in cells] + [3]) for i, h in enumerate(headers)]
    sep = ["-" * (w[i] + 1) + ":" if numeric[i] else "-" * (w[i] + 2) for i in range(len(w))]
    out = ["| " + " | ".join(_pad(h, w[i], numeric[i]) for i, h in enumerate(headers)) + " |",
           "|" + "|".join(sep) + "|"]
    for r in cells:
        out.append("| " + " | ".join(_pad(c, w[i], numeric[i]) for i, c in enumerate(r)) + " |")
    return marker + "\n".join(out)


def amounts_table(view: dict) -> str:
    """Render a table view from Context.table_view."""
    headers = [view["enhet"]] + view["kolumner"]
    numeric = [False] + [not t for t in view["textkolumner"]]
    rows = []
    for r in view["rader"]:
        label = r["label"]
        if r["stil"] == "varav":
            label = "\u2003" * max(1, r["niva"]) + f"*{label}*"
            cells = r["cells"]
        elif r["stil"] == "kursiv":
            label = f"*{label}*"
            cells = [f"*{c}*" if c else c for c in r["cells"]]
        elif r["stil"] in ("summa", "rubrik"):
            label = f"**{label}**"
            cells = [f"**{c}**" if c and r["stil"] == "summa" else c for c in r["cells"]]
        else:
            cells = r["cells"]
        rows.append([label, *cells])
    widths = None
    if any(view["textkolumner"]):
        widths = [24] + [9 if not t else 40 for t in view["textkolumner"]]
    return pipe_table(headers, rows, numeric, widths)


def status_span(m: dict) -> str:
    if m.get("information"):  # an information metric has no status: nothing coloured, nothing counted
        return "Information"
    return f"[{m['status_symbol']} {m['status_text']}]{{.status-{m['status']}}}"


def _bytecode_cache():
    """Compiled templates kept between runs in the user's temporary folder.

    Compiling the built-in templates cost about two thirds of rendering the
    example's Markdown (~30 ms a build). Jinja keys each entry by the template's
    name and checks its source, so an edited template is compiled afresh.
    """
    try:
        return FileSystemBytecodeCache()
    except Exception:  # noqa: BLE001 - no safe temporary folder: compile every time, as before
        return None


class ProjectLoader(FileSystemLoader):
    """The project's templates/, refusing a template that resolves outside the project
    (a symlink out of it, or templates/ itself linked elsewhere): rendered, its text
    would be published in the report (docs/security.md, RR605)."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.project = folder.parent

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        why = outside_project(self.project, Path(filename))
        if why:
            rel = f"templates/{template}"
            raise ReportError([Diagnostic(rel, 1, 1, "RR605", f"{rel} pekar ut ur projektmappen ({why}).",
                                          "Lägg mallen i projektet i stället för en symbolisk länk.")])
        return source, filename, uptodate


def make_env(project_templates: Path | None) -> Environment:
    loaders: list[BaseLoader] = []
    if project_templates is not None and project_templates.is_dir():
        loaders.append(ProjectLoader(project_templates))
    loaders.append(FileSystemLoader(str(BUILTIN_TEMPLATES)))
    # Sandboxed: a template (the project's own ones included) reaches no Python internals
    # (`''.__class__`, `__globals__`, `os`) and so runs no code on the build machine. The
    # built Markdown of every example is byte-identical to the plain environment's, at a
    # cost within measurement noise (docs/security.md, *Project templates*).
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=False,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                               bytecode_cache=_bytecode_cache())
    env.globals.update(pipe_table=pipe_table, amounts_table=amounts_table, status_span=status_span)
    env.filters["cell"] = escape_cell
    env.filters["meta"] = meta_string
    return env


def _recording(helper, kind: str, tables: list):
    """`helper` (pipe_table or amounts_table) that also notes what it was given and wrote."""
    def record(*args, **kwargs):
        text = helper(*args, **kwargs)
        tables.append({"kind": kind, "args": args, "kwargs": kwargs, "text": text})
        return text
    return record


def render_markdown(report, env: Environment | None = None, tables: list | None = None) -> str:
    """The report's Markdown. With `tables` (a list), every table a template writes with
    pipe_table or amounts_table is appended to it as it was given (render/xlsx.py reads them)."""
    ctx = Context(report)
    env = env or make_env(report.project.templates_dir)
    helpers: dict = {"tabell": ctx.table_view, "malperspektiv": ctx.perspective, **ctx.helpers()}
    if tables is not None:
        helpers.update(pipe_table=_recording(pipe_table, "pipe", tables),
                       amounts_table=_recording(amounts_table, "amounts", tables))
    env.globals.update(helpers)
    try:
        return _render(report, env, ctx.build())
    except TableTooLarge as e:  # found by `rapport check` (RR625) first; here only as a last wall
        raise ReportError([report.smap.diag((), "RR625", f"En tabell får för många rader (vid posten '{e}').",
                                            "Ange visa_varav: false.")]) from None
    except TextError as e:
        # `rapport check` renders every data text with its location (checks/texts.py), so
        # this is only reached by a text the check does not know of: say so plainly.
        raise ReportError([report.smap.diag((), e.code, f"En text kan inte visas: {e.message}", e.hint)]) from None
    finally:
        # The helpers are bound to this report's Context; left in the environment they
        # tie the report into Jinja's reference cycles, so it outlived the build until a
        # full garbage collection (~0.4 s at 100x the example, at exit).
        for key in helpers:
            env.globals.pop(key, None)
        env.globals.update(pipe_table=pipe_table, amounts_table=amounts_table)


def _template_frame(e: Exception, report, default: str) -> tuple[str, int]:
    """The innermost template file and line of a runtime error, as the user names it."""
    where = (default, 1)
    tb = e.__traceback__
    while tb is not None:
        f = tb.tb_frame.f_code.co_filename
        if f.endswith(".j2"):
            where = (f, tb.tb_lineno)
        tb = tb.tb_next
    return _shown(report, where[0]), where[1]


def _shown(report, filename: str) -> str:
    """A template's path as the user names it: relative to the project, or to the built-in templates."""
    for base in (report.project.root, BUILTIN_TEMPLATES):
        try:
            return str(Path(filename).relative_to(base))
        except ValueError:
            continue
    return filename


def _render(report, env: Environment, data: dict) -> str:
    typ = report.outcomes.rapport.typ
    name = f"{typ}.md.j2"
    # A kind declared in organisation.yaml (rapporttyper) needs no template of its
    # own: the generic one renders its section list.
    names = [name, "rapport.md.j2"] if typ in report.org.rapporttyper else [name]
    try:
        text = env.select_template(names).render(**data)
    except TemplateNotFound as e:
        raise ReportError([report.smap.diag(("rapport", "typ"), "RR501",
                                            f"Mallen '{e.name}' finns varken i templates/ eller bland de inbyggda mallarna.",
                                            "Skapa mallen i projektets templates/ eller välj en annan rapport.typ.")]) from e
    except KeyError as e:
        raise ReportError([report.smap.diag(("rapport", "sektioner"), "RR502", f"Sektionen hänvisar till tabellen {e}, som inte finns.",
                                            "Kontrollera tabellens id under 'tabeller'.")]) from e
    except TemplateError as e:
        lineno = getattr(e, "lineno", None)
        fname = _shown(report, getattr(e, "filename", None) or name)
        if lineno is None:  # a runtime error: Jinja's traceback holds the template's file and line
            fname, lineno = _template_frame(e, report, fname)
        raise ReportError([Diagnostic(str(fname), lineno, 1, "RR503", f"Mallfel: {e.message if hasattr(e, 'message') else e}",
                                      "Rätta mallen; en variabel som inte finns är ett fel, inte en tom sträng.")]) from e
    # One blank line between blocks is enough; keeps diffs of the .md small.
    lines, blank = [], 0
    for line in text.splitlines():
        blank = blank + 1 if not line.strip() else 0
        if blank <= 1:
            lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
