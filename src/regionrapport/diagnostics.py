"""The one diagnostic record, the error that carries them, and their output formats.

Imports nothing of ours: every other module may raise or collect diagnostics.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"
INFO = "info"  # listed for review (an analyst's judgement), never a problem: --strict ignores it


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located where the person who must fix it should look."""

    file: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    severity: str = ERROR

    def as_dict(self) -> dict:
        return asdict(self)


class ReportError(Exception):
    """Bad input: carries the diagnostics; never shown as a traceback."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(format_text_line(d) for d in self.diagnostics))


class OutputProblem(ReportError):
    """The outputs cannot be written where asked (a full or read-only disk, a file or a
    symbolic link where a folder should be): not the input's fault, so exit 2. The old
    outputs are left as they were."""


class UsageProblem(Exception):
    """A request that cannot be carried out as asked (exit 2): no git repository,
    a file in the way, an unknown revision. The message is the whole story."""

    def __init__(self, message: str, hint: str = ""):
        self.message, self.hint = message, hint
        super().__init__(message + (f"\n    tips: {hint}" if hint else ""))


@dataclass
class Collector:
    """Gathers diagnostics so that validation reports every problem, then stops once."""

    items: list[Diagnostic] = field(default_factory=list)
    _seen: set = field(default_factory=set, repr=False, compare=False)  # items, to refuse a repeat in O(1)

    def add(self, d: Diagnostic) -> None:
        if d not in self._seen:
            self._seen.add(d)
            self.items.append(d)

    def extend(self, ds: Iterable[Diagnostic]) -> None:
        for d in ds:
            self.add(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == WARNING]


def relpath(path: str | Path, root: Path | None = None) -> str:
    p = Path(path)
    base = root or Path.cwd()
    try:
        return str(p.resolve().relative_to(base.resolve()))
    except ValueError:
        pass
    # A symbolic link out of the project (refused, RR605): named as it stands in the
    # project, never by the machine's absolute path to the checkout.
    try:
        rel = p.absolute().relative_to(base.absolute())
    except ValueError:
        return str(p)
    return str(p) if ".." in rel.parts else str(rel)


# What a message may carry from the input (an SIE account name, a YAML key, a file's
# name) but must never send to a terminal: the C0 controls but tab and line feed (ESC
# starts the sequences that recolour, move the cursor, retitle the window or write a
# hyperlink; CR overwrites the line), DEL and the C1 controls (U+009B is a one-character
# ESC [), and the bidirectional formatting characters and line separators that reorder
# or hide what follows (CVE-2021-42574, "Trojan Source").
# One definition, also used where the data's text goes into a pull-request comment
# (commands/diff/output.py), as a regex character class.
UNSAFE_CHARS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{UNSAFE_CHARS}]")


def visible(text: str) -> str:
    """The text with every character above shown as its escape, `\\u001b`: readable in a
    terminal, and the same character again where the text is JSON (json.dumps leaves
    these raw with ensure_ascii=False; a JSON string may escape any character so)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def format_text_line(d: Diagnostic) -> str:
    return visible(f"{d.file}:{d.line}:{d.col}: {d.code} {d.message}")


def render_text(diags: list[Diagnostic], color: bool = False) -> str:
    """`path:line:col: CODE message`, a hint line under it; warnings end in [varning].

    Colour (bold location, red/yellow code) only when asked: the CLI asks when
    the stream is a terminal and NO_COLOR is unset."""
    out = []
    for d in diags:
        loc = visible(f"{d.file}:{d.line}:{d.col}:")
        message, hint = visible(d.message), visible(d.hint)
        sev = {ERROR: "", INFO: " [info]"}.get(d.severity, " [varning]")
        if color:
            c = {ERROR: "\x1b[31m", INFO: "\x1b[36m"}.get(d.severity, "\x1b[33m")
            out.append(f"\x1b[1m{loc}\x1b[0m {c}{d.code}\x1b[0m {message}{sev}")
        else:
            out.append(f"{loc} {d.code} {message}{sev}")
        if hint:
            tip = "\x1b[36mtips:\x1b[0m" if color else "tips:"
            out.append(f"    {tip} {hint}")
    return "\n".join(out)


def render_json(diags: list[Diagnostic]) -> str:
    """Exact JSON: every string decodes to the diagnostic's own text, control characters
    and all, but none stands raw in the output."""
    return visible(json.dumps([d.as_dict() for d in diags], ensure_ascii=False, indent=2))


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def render_github(diags: list[Diagnostic]) -> str:
    out = []
    for d in diags:
        kind = {ERROR: "error", INFO: "notice"}.get(d.severity, "warning")
        msg = visible(d.message + (f" — {d.hint}" if d.hint else ""))
        out.append(
            f"::{kind} file={_gh_escape(visible(d.file), True)},line={d.line},col={d.col},"
            f"title={_gh_escape(d.code, True)}::{_gh_escape(msg)}"
        )
    return "\n".join(out)


RENDERERS = {"text": render_text, "json": render_json, "github": render_github}
