"""Rules for input that comes from pull requests (docs/security.md).

Every string in the data files and organisation.yaml can end up in the Markdown
that pandoc reads (texts, comments, names, captions, headers), so every string
is scanned, keys included: no raw output for a converter, no image, no YAML
metadata block. The scan is a few regular expressions over each string once
(linear in the size of the files). pandoc's sandbox and status.lua hold even
where a text is built by Jinja at render time; these rules say, at the line
where it was written, what the build would otherwise silently drop.

Paths named in the project's files (RR604) and symlinks (RR605) must stay
inside the project; both are also enforced where the files are read.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import BaseModel

from ..paths import outside_project

from .registry import documented, rule

# A raw attribute: ```{=typst} / ``` {=openxml} on a fence, `x`{=html} after a code span.
# (Every pattern here is linear: no two repeats can match the same characters.)
_RAW = re.compile(r"\{\s*=\s*([A-Za-z0-9_+-]*)")
_HTML_IMAGE = re.compile(r"<\s*(?:img|image|svg|object|embed|iframe)\b", re.I)
# A YAML metadata block: a line of ---, at the start or after a blank line, followed
# by a line that is not blank (pandoc's yaml_metadata_block; --- then a blank line is a rule).
_METADATA = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*---[ \t]*\r?\n[ \t]*\S")
# A link's target: [x](target) (pandoc allows no space before the bracket), [ref]: target
# (a reference definition), <javascript:...> (an autolink; only the schemes that run or
# open something, since "<w:r>" in a code span is no link).
_LINK = re.compile(r"\]\(\s*<?\s*([^\s)>]*)|^[ \t]{0,3}\[[^\]\n]*\]:[ \t]*<?([^\s>]*)|<((?:javascript|vbscript|data|file|blob|filesystem):[^\s>]*)>",
                   re.M)
_WEB = re.compile(r"(?:#|https?://|mailto:)", re.I)
_QUICK = re.compile(r"\{\s*=|!\[|<|---|\]\s*[(:]")
# Control characters (C0 but tab and line breaks, DEL, C1) and the bidirectional overrides and
# isolates: YAML spells them only as escapes ("\u0007") or, NEL, raw; typst refuses a text
# that holds one (RR506, after `check` passed) and an override makes the PDF read otherwise
# than the data and the diff.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _excerpt(text: str, at: int, width: int = 40) -> str:
    start = max(0, at - 10)
    s = " ".join(text[start:start + width].split())
    return ("…" if start else "") + s + ("…" if start + width < len(text) else "")


def _image(text: str) -> int:
    """Where the first "![" that is not escaped stands (an even number of backslashes
    before it escapes nothing), or -1."""
    at = text.find("![")
    while at >= 0:
        i = at
        while i > 0 and text[i - 1] == "\\":
            i -= 1
        if (at - i) % 2 == 0:
            return at
        at = text.find("![", at + 1)
    return -1


def unsafe_markup(text: str) -> list[tuple[str, str, str]]:
    """(code, what, excerpt) for each construct in a text that a pull request must not
    hand to the converters; [] for an ordinary text."""
    if not _QUICK.search(text):
        return []
    found = []
    m = _RAW.search(text)
    if m:
        fmt = m.group(1) or "?"
        found.append(("RR601", f"rå {fmt}-kod ({{={fmt}}})", _excerpt(text, m.start())))
    at = _image(text)
    if at >= 0:
        found.append(("RR602", "en bild (![…])", _excerpt(text, at)))
    else:
        m = _HTML_IMAGE.search(text)
        if m:
            found.append(("RR602", "en HTML-bild (<img …>)", _excerpt(text, m.start())))
    # (an image's target is RR602's; a link is looked at in a text without one)
    for m in _LINK.finditer(text) if at < 0 else ():
        target = next(g for g in m.groups() if g is not None)
        if target and not _WEB.match(target):
            found.append(("RR720", "en länk som inte går till en webbsida, en e-postadress eller ett avsnitt",
                          _excerpt(text, m.start())))
            break
    m = _METADATA.search(text)
    if m:
        found.append(("RR603", "ett metadatablock (en rad --- följd av text)", _excerpt(text, m.end() - 1)))
    return found


_HINTS = {
    "RR601": "Texter skrivs i vanlig Markdown; {=typst}, {=openxml}, {=html} och {=latex} skulle gå "
             "direkt in i PDF- eller DOCX-filen. Ta bort den råa koden.",
    "RR602": "Bilder i rapporten kommer bara från diagrammen och logotypen (organisation.yaml: logotyp). "
             "Ta bort bilden; menar du ett utropstecken före [, skriv \\![.",
    "RR720": "En länk i en text får gå till en webbsida (https://…), en e-postadress (mailto:…) eller ett "
             "avsnitt i rapporten (#…); webbversionen visar annars bara orden. Skriv adressen med https://.",
    "RR603": "pandoc läser --- följt av text som metadata för hela dokumentet. Skriv *** för en linje, "
             "eller lämna en tom rad efter ---.",
}


def strings(obj, path: tuple = ()):
    """(path, text, is_key) for every string in a model, dict or list, keys included.

    A stack rather than recursion: each string is handed out once, not passed up
    through a generator per level."""
    stack = [(path, obj)]
    while stack:
        path, obj = stack.pop()
        if isinstance(obj, str):
            yield path, obj, False
        elif isinstance(obj, BaseModel):
            stack.extend(((*path, k), v) for k, v in obj.__dict__.items()
                         if v is not None and not isinstance(v, (bool, int, float)))
        elif isinstance(obj, dict):
            for k, v in obj.items():
                if isinstance(k, str):
                    yield (*path, k), k, True
                if v is not None and not isinstance(v, (bool, int, float)):
                    stack.append(((*path, k), v))
        elif isinstance(obj, (list, tuple)):
            stack.extend(((*path, i), v) for i, v in enumerate(obj))


def _scan(doc, smap, collector) -> None:
    if not getattr(smap, "markup", True):  # nothing in the file's text could match (load.py)
        return
    for path, text, is_key in strings(doc):
        for code, what, excerpt in unsafe_markup(text):
            where = ".".join(map(str, path)) or "filen"
            collector.add(smap.diag(path, code, f"{where}: {'nyckeln' if is_key else 'texten'} innehåller {what}: "
                                                f"'{excerpt}'.", _HINTS[code], prefer="key" if is_key else "value"))
        m = _CONTROL.search(text)
        if m:
            where = ".".join(map(str, path)) or "filen"
            collector.add(smap.diag(path, "RR781", f"{where}: {'nyckeln' if is_key else 'texten'} innehåller "
                                                   f"styrtecknet U+{ord(m.group()):04X} (tecken {m.start() + 1}).",
                                    "Ta bort tecknet (i YAML skrivet t.ex. \\u0007 eller \\x00 inom citattecken); "
                                    "en rapport håller bara vanlig text, tabb och radbrytningar.",
                                    prefer="key" if is_key else "value"))


@rule("RR601", "Raw output in a text")
def raw_output(report, collector):
    """A text, comment, name or other string in the data (or in organisation.yaml)
    holds raw output for a converter: a fenced block ```` ```{=typst} ````, an
    inline `` `x`{=openxml} ``, or any other `{=format}` (html, latex, tex ...).
    Such code would go into the PDF or DOCX unchanged: typst code can read files
    and import packages, OpenXML can add fields. The build drops it anyway
    (status.lua); this rule says where it was written. RR602 and RR603 are found
    by the same scan.
    Fix: write the text in plain Markdown.
    """
    _scan(report.outcomes, report.smap, collector)
    _scan(report.budget, report.budget_smap, collector)
    _scan(report.org, report.project.org_smap, collector)


documented("RR602", "Image in a text", """
A string in the data or in organisation.yaml holds an image: `![x](file)`,
`![x][ref]` with a reference such as `[ref]: /etc/passwd`, `![ref]`, or an HTML
`<img>` tag (shown as text, since HTML is not read). An image would make the
converter read a file or fetch a URL and embed it in the published DOCX. Images
in a report come only from the build's own charts and the project's logo; the
build drops any other image anyway (status.lua, pandoc --sandbox).
Fix: remove the image; an exclamation mark before a bracket is written `\\![`.
""")
documented("RR720", "Link to something other than a web page in a text", """
A string in the data or in organisation.yaml holds a Markdown link whose target
is not a web page (`http:`, `https:`), an e-mail address (`mailto:`) or a place
in the report (`#…`): `[x](javascript:…)`, `[x](data:…)`, `[x](file:///…)`, a
relative file name, `<vbscript:…>` or a reference `[x]: …` to one. In the web
version (`--format html`) such a link could run code or open a local file when a
reader clicks it; the build keeps only its words (status.lua), and in the DOCX
and PDF it would lead nowhere.
Fix: write the address with https://, or leave the words without a link.
""")
documented("RR603", "YAML metadata block in a text", """
A text holds a line `---` (at its start or after a blank line) followed by a line
of text. pandoc would read what follows as a YAML metadata block for the whole
document: it can set the document's metadata (such as what the template prints)
or make the conversion fail.
Fix: write `***` for a horizontal line, or leave a blank line after `---`.
""")
documented("RR781", "Control character in a text", """
A string in the data or in organisation.yaml holds a control character (NUL, BEL,
ESC, DEL, a C1 character such as NEL) or a bidirectional override or isolate
(U+202A–U+202E, U+2066–U+2069). YAML writes them as escapes in a double-quoted
string (`"\\u0007"`). typst cannot set a control character (the PDF failed after
`check` had passed) and an override makes the published text read differently
from the data and from `rapport diff`. Found by the same scan as RR601.
Fix: remove the character; a report holds plain text, tabs and line breaks.
""")
documented("RR604", "Path outside the project", """
A file named in organisation.yaml (`logotyp`, `referensdokument`, `typstmall`)
lies outside the project folder once symlinks are resolved: an absolute path, a
path with `..` that leaves the project, or a symlink that points out of it. The
build would read that file and publish it. Checked by `rapport check` through
RR504.
Fix: put the file in the project (e.g. bilder/ or templates/) and name it
relative to the project folder.
""")
documented("RR606", "typst template includes another file", """
The project's own typst template (`typstmall`) uses a pandoc partial (`$name()$`,
`${name()}`, `$var:name()$`). pandoc reads a partial relative to the template's
folder, `..` and absolute paths included, and its --sandbox does not cover
templates: a partial could print any file of the build machine into the PDF.
Checked by `rapport check` through RR504.
Fix: write the partial's content into the template itself.
""")


def symlinks_out(root: Path) -> list[tuple[Path, str]]:
    """(symlink, reason) for every symlink in data/ and templates/ (and organisation.yaml)
    that points out of the project; walked without following links, once per project."""
    found = []
    candidates = [root / "organisation.yaml", root / "data", root / "templates"]
    for top in candidates:
        if top.is_symlink():
            why = outside_project(root, top)
            if why:
                found.append((top, why))
                continue
        if not top.is_dir():
            continue
        for folder, dirs, files in os.walk(top):  # followlinks=False: a linked folder is one entry
            for name in dirs + files:
                p = Path(folder) / name
                if p.is_symlink():
                    why = outside_project(root, p)
                    if why:
                        found.append((p, why))
    return sorted(found)


def symlink_diagnostic(root: Path, path: Path, why: str):
    from ..diagnostics import Diagnostic

    rel = os.path.relpath(path, root)
    return Diagnostic(rel, 1, 1, "RR605", f"{rel} är en symbolisk länk som pekar ut ur projektmappen ({why}).",
                      "Lägg filen i projektet i stället för en länk; bygget läser inga filer utanför projektet.")


@rule("RR605", "Symlink out of the project")
def symlinks(report, collector):
    """A file or folder under data/ or templates/ (or organisation.yaml itself) is a
    symbolic link to something outside the project folder. A pull request could
    otherwise point a report, a budget or a template at any file on the machine
    that runs the build and have it printed in an error message or published in
    the report. Such a link is refused where the file is read (the YAML loader,
    the template loader) and reported here for the whole of data/ and templates/.
    Fix: copy the file into the project instead of linking to it.
    """
    project = report.project
    cached = getattr(project, "_symlinks_out", None)
    if cached is None:
        cached = [symlink_diagnostic(project.root, p, why) for p, why in symlinks_out(project.root)]
        project._symlinks_out = cached
    collector.extend(cached)
