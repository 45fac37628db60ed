"""The organisation's look: which reference document, typst template, logo and colours a build uses.

Checked by `rapport check` (rule RR504, checks/rendering.py) and used by the
build (render/pandoc.py); it lives below both so that neither imports the other.
Reads organisation.yaml's settings and looks at files; imports nothing heavy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, ReportError
from .paths import outside_project

RESOURCES = Path(__file__).resolve().parent / "resources"
# The house typeface of both outputs and the charts: Liberation Sans (SIL OFL 1.1),
# shipped with the package so that no machine needs it installed. It has Arial's
# metrics, so Word without it (and without the copy embedded in the DOCX) lays out
# alike with Arial.
FONTS = RESOURCES / "fonts"
FONT = "Liberation Sans"
FONT_FALLBACK = "Arial"
FONT_FILES = {"Regular": "LiberationSans-Regular.ttf", "Bold": "LiberationSans-Bold.ttf",
              "Italic": "LiberationSans-Italic.ttf", "BoldItalic": "LiberationSans-BoldItalic.ttf"}

# The project's house defaults. The committed reference.docx is made with exactly
# these values, which is how a build finds and replaces them.
DEFAULT_ACCENT = "#1f4e79"
DEFAULT_STATUS_COLOURS = {"gron": "#2e7d32", "gul": "#f9a825", "rod": "#c62828", "saknas": "#757575"}
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass
class Style:
    reference_doc: Path
    typst_template: Path
    lua_filter: Path
    accent: str = DEFAULT_ACCENT
    heading: str = DEFAULT_ACCENT
    logo: Path | None = None
    own_reference: bool = False
    status_colours: dict = field(default_factory=lambda: dict(DEFAULT_STATUS_COLOURS))
    logo_in_build: str | None = None  # the logo's file name inside the scratch folder
    images: tuple = ()  # file names in the scratch folder that pandoc may embed (the charts)


def _org_diag(smap, key: tuple, code: str, message: str, hint: str) -> Diagnostic:
    if smap is not None:  # a key without a recorded position gets its nearest ancestor's
        return smap.diag(key, code, message, hint)
    return Diagnostic("organisation.yaml", 1, 1, code, message, hint)


# A pandoc template partial inside a directive: name(), var:name(), name()[, ] ...
_PARTIAL = re.compile(r"(?:^|:)[ \t]*([\w./\\~-]+)\(\)")


def template_partial(text: str) -> tuple[int, str] | None:
    """(line, name) of the first partial a pandoc template includes, or None.

    pandoc reads a partial ($name()$, ${name()}, $var:name()$) relative to the
    template's folder, '..' and absolute paths included, and --sandbox does not
    cover templates: a partial could print any file. The directives are read as
    pandoc does: $$ is a literal dollar, $-- a comment to the end of the line.
    """
    i, n = 0, len(text)
    while True:
        i = text.find("$", i)
        if i < 0 or i + 1 >= n:
            return None
        nxt = text[i + 1]
        if nxt == "$":
            i += 2
            continue
        if text.startswith("--", i + 1):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        close = "}" if nxt == "{" else "$"
        end = text.find(close, i + 1 + (nxt == "{"))
        if end < 0:
            return None
        m = _PARTIAL.search(text[i + 1 + (nxt == "{"):end].strip())
        if m:
            return text.count("\n", 0, i) + 1, m.group(1)
        i = end + 1


def default_style(project_root: Path, org, smap=None) -> Style:
    def pick(key: str, user: str | None, default: Path) -> Path:
        if user:
            p = (project_root / user)
            outside = outside_project(project_root, p)
            if outside:
                raise ReportError([_org_diag(smap, (key,), "RR604", f"{key}: {user} ligger utanför projektmappen "
                                             f"({outside}).", "Lägg filen i projektet (t.ex. i bilder/ eller "
                                             "templates/) och ange sökvägen relativt projektmappen.")])
            if not p.is_file():
                raise ReportError([_org_diag(smap, (key,), "RR504", f"Filen {user} finns inte.",
                                             "Ange en sökväg relativt projektmappen, eller ta bort nyckeln "
                                             "för standardutseendet.")])
            return p
        return default

    colours: dict[str, str] = dict(org.farger)
    for name, value in colours.items():
        if not HEX.match(str(value)):
            raise ReportError([_org_diag(smap, ("farger", name), "RR507",
                                         f"Färgen farger.{name} = '{value}' är ingen färg på formen #rrggbb.",
                                         "Skriv färgen som # följt av sex hexadecimala siffror, t.ex. #1f4e79.")])
    logo = pick("logotyp", org.logotyp, Path()) if org.logotyp else None
    if logo is not None and logo.suffix.lower() not in LOGO_TYPES:
        raise ReportError([_org_diag(smap, ("logotyp",), "RR508",
                                     f"Logotypen {org.logotyp} har ett filformat som inte stöds.",
                                     "Använd PNG eller JPEG (SVG fungerar bara i PDF).")])
    accent = colours.get("accent", DEFAULT_ACCENT)
    template = pick("typstmall", org.typstmall, RESOURCES / "rapport.typ")
    if org.typstmall:
        found = template_partial(template.read_text(encoding="utf-8", errors="replace"))
        if found:
            line, name = found
            raise ReportError([_org_diag(smap, ("typstmall",), "RR606",
                                         f"typstmall: {org.typstmall} tar in filen '{name}' (rad {line}) med pandocs "
                                         f"partial-syntax; pandoc läser den även med --sandbox, var den än ligger.",
                                         "Skriv in innehållet i mallen själv; bygget läser inga andra filer.")])
    return Style(
        reference_doc=pick("referensdokument", org.referensdokument, RESOURCES / "reference.docx"),
        typst_template=template,
        lua_filter=RESOURCES / "status.lua",
        accent=accent,
        heading=colours.get("rubrik", accent),
        logo=logo,
        own_reference=bool(org.referensdokument),
        status_colours={k: getattr(org.status, k).farg for k in DEFAULT_STATUS_COLOURS},
    )
