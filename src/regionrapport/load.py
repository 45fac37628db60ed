"""YAML -> plain data + a source map (key path -> file:line:col).

PyYAML alone loses what an analyst needs to know: it keeps the last of two
duplicate keys silently, expands aliases (an alias bomb explodes whatever walks
the result), reads `1:30` as 90 and `012` as 10, and gives no position for a
value once constructed. So we scan the events first (refusing anchors, aliases
and absurd nesting before anything is built), compose the node tree ourselves,
reject duplicate keys naming both lines, refuse YAML 1.1 number surprises, and
record where every key and value stands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, ReportError, relpath

MAX_BYTES = 2 * 1024 * 1024  # a report's YAML is tens of kB; anything near this is a mistake
MAX_DEPTH = 40  # the formats nest about eight levels; deeper is a generated or broken file
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = SafeConstructor()

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_STR = "tag:yaml.org,2002:str"


@dataclass
class Pos:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class SourceMap:
    """Where each key and value of one YAML file stands."""

    file: str
    keys: dict[tuple, Pos] = field(default_factory=dict)
    values: dict[tuple, Pos] = field(default_factory=dict)
    raw: dict[tuple, str] = field(default_factory=dict)  # plain scalar text as typed
    quoted: set = field(default_factory=set)  # paths whose scalar was quoted

    def pos(self, path: tuple, prefer: str = "value") -> Pos:
        """Position of path, or of its nearest existing ancestor."""
        path = tuple(path)
        while True:
            first, second = (self.values, self.keys) if prefer == "value" else (self.keys, self.values)
            if path in first:
                return first[path]
            if path in second:
                return second[path]
            if not path:
                return Pos(1, 1)
            path = path[:-1]

    def diag(self, path, code, message, hint="", severity="error", prefer="value") -> Diagnostic:
        p = self.pos(path, prefer)
        return Diagnostic(self.file, p.line, p.col, code, message, hint, severity)


@dataclass
class Loaded:
    data: object
    smap: SourceMap
    path: Path


def _mark(node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def _excerpt(text: str, line: int) -> str:
    # A tab is the commonest cause of a syntax error and invisible when printed.
    return _line(text, line).strip(" ").replace("\t", "→")[:80]


def load_file(path: Path, root: Path | None = None, display: str | None = None) -> Loaded:
    """Load one YAML file. Raises ReportError with located diagnostics on bad input."""
    name = display or relpath(path, root)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReportError([Diagnostic(name, 1, 1, "RR001", f"Filen {name} finns inte.",
                                      "Kontrollera namnet; rapporter ligger i data/outcomes/, budgetar i data/budget/.")])
    # Refused before reading: a runaway file must not cost time or memory.
    if size > MAX_BYTES:
        raise ReportError([Diagnostic(name, 1, 1, "RR003",
                                      f"Filen är {size // 1024} kB, gränsen är {MAX_BYTES // 1024} kB.",
                                      "Dela upp filen eller kontrollera att den inte genererats fel.")])
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ReportError([Diagnostic(name, line, 1, "RR002", "Filen är inte sparad som UTF-8.",
                                      "Spara om filen som UTF-8 (utan BOM) i editorn.")])
    return load_text(text, name)


def load_text(text: str, name: str) -> Loaded:
    smap = SourceMap(name)
    try:
        _scan(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        raise ReportError([_syntax_diagnostic(e, text, name)])
    except yaml.YAMLError as e:  # pragma: no cover - non-marked errors are rare
        raise ReportError([Diagnostic(name, 1, 1, "RR002", f"YAML-syntaxfel: {e}")])
    if node is None:
        return Loaded({}, smap, Path(name))
    diags: list[Diagnostic] = []
    data = _convert(node, (), smap, diags)
    if diags:
        raise ReportError(diags)
    return Loaded(data, smap, Path(name))


def _scan(text: str, name: str) -> None:
    """Refuse anchors, aliases and absurd nesting from the event stream.

    Events cost nothing to scan, and an alias bomb is stopped here before any
    node is shared or any value expanded; the depth limit keeps the recursive
    conversion below Python's recursion limit.
    """
    depth = 0
    for ev in yaml.parse(text, Loader=_Loader):
        anchor = getattr(ev, "anchor", None)
        if isinstance(ev, yaml.AliasEvent) or anchor:
            m = ev.start_mark
            sign = "*" if isinstance(ev, yaml.AliasEvent) else "&"
            raise ReportError([Diagnostic(
                name, m.line + 1, m.column + 1, "RR004",
                f"YAML-ankare och alias ({sign}{anchor}) används inte i regionrapport.",
                "Skriv ut värdet där det behövs; varje siffra ska stå på ett ställe och synas i diffen.")])
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                m = ev.start_mark
                raise ReportError([Diagnostic(
                    name, m.line + 1, m.column + 1, "RR003",
                    f"Strukturen är nästlad djupare än {MAX_DEPTH} nivåer.",
                    "Filen är troligen genererad fel; formatet har högst ett tiotal nivåer.")])
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


# --- syntax errors in the analyst's words -------------------------------------
_USE_CONTEXT = ("quoted scalar", "simple key", "flow sequence", "flow mapping")


def _syntax_diagnostic(e: yaml.MarkedYAMLError, text: str, name: str) -> Diagnostic:
    problem = (e.problem or str(e)).strip()
    context = e.context or ""
    # For an unclosed quote or bracket, or a key without colon, PyYAML notices the
    # problem lines later; the analyst must fix where it started.
    m = e.context_mark if (e.context_mark and any(c in context for c in _USE_CONTEXT)) else (e.problem_mark or e.context_mark)
    line, col = (m.line + 1, m.column + 1) if m else (1, 1)
    opened = _unclosed_quote(text, line)
    if opened and "quoted scalar" not in context:
        # A quote left open swallows the following lines until the next quote;
        # PyYAML then complains far below where the analyst made the mistake.
        line, col = opened
        context = "quoted scalar"
    here = _line(text, line)
    ch = here[col - 1] if 0 < col <= len(here) else ""
    hint = "Kontrollera indrag (mellanslag, inte tabb), kolon efter nyckeln och citattecken som stängs."
    if "quoted scalar" in context:
        msg = "citattecknet som börjar här stängs aldrig"
        hint = "Avsluta texten med samma citattecken som den börjar med."
    elif "cannot start any token" in problem and ch == "\t":
        msg = "tabbtecken i indraget"
        hint = "YAML kräver mellanslag för indrag; byt tabben mot mellanslag."
    elif "cannot start any token" in problem:
        msg = f"tecknet '{ch}' kan inte inleda ett värde"
        hint = f"Sätt värdet inom citattecken: \"{here[col - 1:].strip()}\"."
    elif "mapping values are not allowed" in problem:
        # PyYAML read the line above as a text running on into this one; say why.
        prev_no, prev = _previous_line(text, line)
        if prev and not _KEY_LINE.match(prev) and not prev.lstrip().startswith("-"):
            line, col = prev_no, len(prev) - len(prev.lstrip()) + 1
            msg = "nyckeln saknar kolon"
            hint = "Skriv 'nyckel: värde' med kolon och mellanslag efter nyckeln."
        elif prev and _indent(here) > _indent(prev) and _KEY_LINE.match(prev) and _KEY_LINE.match(prev).group(1).strip():
            col = 1
            msg = "raden är mer indragen än raden ovanför, som redan har ett värde"
            hint = "Nycklar på samma nivå ska ha exakt samma indrag; kontrollera mellanslagen i början av raden och raden ovanför."
        else:
            msg = "ett kolon där inget kolon får stå"
            hint = ("Kontrollera indraget på den här raden och raden ovanför. En text som innehåller ': ' "
                    "sätts inom citattecken.")
    elif "could not find expected ':'" in problem:
        msg = "nyckeln saknar kolon"
        hint = "Skriv 'nyckel: värde' med kolon och mellanslag."
    elif "flow sequence" in context:
        msg = "listan som börjar här ([) stängs inte med ]"
        hint = "Kontrollera att varje [ har ett ] och att elementen skiljs med kommatecken."
    elif "flow mapping" in context:
        msg = "mappningen som börjar här ({) stängs inte med }"
        hint = "Kontrollera att varje { har ett } och att paren skiljs med kommatecken."
    elif "'-' indicator" in problem or ("block collection" in context and "block end" in problem):
        msg = "listelement (-) och nycklar blandas på samma indrag"
        hint = "En lista har bara rader som börjar med '-'; en mappning bara 'nyckel: värde'."
    elif "expected key" in problem or "block end" in problem:
        msg = "indraget stämmer inte med raderna ovanför"
        hint = "Nycklar på samma nivå ska ha exakt samma indrag (mellanslag)."
    else:
        msg = problem
    excerpt = _excerpt(text, line)
    return Diagnostic(name, line, col, "RR002", f"YAML-syntaxfel: {msg}" + (f" i raden «{excerpt}»" if excerpt else ""), hint)


_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[^\s#][^:#]*:(\s.*|)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_line(text: str, line: int) -> tuple[int, str]:
    """The nearest line above `line` with content (not blank, not a comment)."""
    lines = text.splitlines()
    for n in range(line - 1, 0, -1):
        if n <= len(lines) and lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#"):
            return n, lines[n - 1]
    return 0, ""


_QUOTE_START = re.compile(r"""(?:^\s*-\s+|:\s+|[\[{,]\s*)(["'])""")


def _unclosed_quote(text: str, upto: int) -> tuple[int, int] | None:
    """The first line before `upto` where a quoted value opens and does not close."""
    for n, raw in enumerate(text.splitlines()[:upto - 1], start=1):
        m = _QUOTE_START.search(raw)
        if not m:
            continue
        q = m.group(1)
        rest = raw[m.end():]
        if q == '"':
            closed = re.search(r'(?<!\\)"', rest) is not None
        else:
            closed = re.search(r"'(?!')", rest.replace("''", "")) is not None
        if not closed:
            return n, m.end()
    return None


# --- conversion ----------------------------------------------------------------
def _convert(node, path: tuple, smap: SourceMap, diags: list):
    smap.values[path] = _mark(node)
    if isinstance(node, MappingNode):
        out: dict = {}
        first_line: dict = {}
        for k_node, v_node in node.value:
            if k_node.tag == "tag:yaml.org,2002:merge":
                diags.append(Diagnostic(smap.file, *_pos(k_node), "RR004", "YAML-sammanslagning (<<) används inte.",
                                        "Skriv ut nycklarna."))
                continue
            key = _convert(k_node, path + ("<key>",), smap, diags)
            if isinstance(key, (list, dict)):
                diags.append(Diagnostic(smap.file, *_pos(k_node), "RR002", "En nyckel måste vara ett enkelt värde."))
                continue
            if isinstance(key, bool):
                # The Norway problem: `no:` as a key becomes False.
                diags.append(Diagnostic(smap.file, *_pos(k_node), "RR014",
                                        f"Nyckeln '{k_node.value}' läses av YAML som {'sant' if key else 'falskt'}.",
                                        f"Sätt citattecken runt nyckeln: \"{k_node.value}\":"))
                continue
            if isinstance(k_node, ScalarNode) and not k_node.style:  # libyaml gives '' for plain, PyYAML None
                smap.raw[path + (key, "<key>")] = k_node.value
            if key in out:
                diags.append(Diagnostic(
                    smap.file, *_pos(k_node), "RR005",
                    f"Nyckeln '{key}' finns två gånger (rad {first_line[key]} och rad {_mark(k_node).line}).",
                    "YAML behåller bara det sista värdet; ta bort eller slå ihop den ena."))
                continue
            kpos = smap.keys[path + (key,)] = _mark(k_node)
            first_line[key] = kpos.line
            out[key] = _convert(v_node, path + (key,), smap, diags)
        smap.values.pop(path + ("<key>",), None)
        return out
    if isinstance(node, SequenceNode):
        return [_convert(v, path + (i,), smap, diags) for i, v in enumerate(node.value)]
    # scalar
    plain = not node.style  # plain (libyaml: '', PyYAML: None)
    if plain:
        smap.raw[path] = node.value
    else:
        smap.quoted.add(path)
    if node.tag == _STR:
        return node.value  # most scalars are text: what the constructor would return, without its dispatch
    try:
        value = _constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as e:
        diags.append(Diagnostic(smap.file, *_pos(node), "RR016", f"Ogiltigt värde '{node.value}': {e.problem}."))
        return None
    except ValueError:  # an impossible date such as 2025-02-30
        diags.append(Diagnostic(smap.file, *_pos(node), "RR016", f"Datumet '{node.value}' finns inte.",
                                "Skriv ett giltigt datum som ÅÅÅÅ-MM-DD."))
        return None
    if plain and node.tag in (_INT, _FLOAT):
        surprise = yaml11_surprise(node.value, value)
        if surprise:
            diags.append(Diagnostic(smap.file, *_pos(node), "RR014", surprise + ".", surprise_hint(node.value)))
    return value


def _pos(node) -> tuple[int, int]:
    p = _mark(node)
    return p.line, p.col


# --- YAML 1.1 surprises -------------------------------------------------------
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_HEX = re.compile(r"^[-+]?0x[0-9a-fA-F_]+$")
_EXPONENT_NO_DOT = re.compile(r"^[-+]?[0-9]+[eE][-+]?[0-9]+$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
_BOOLISH = {"yes", "no", "on", "off", "y", "n", "true", "false"}


def yaml11_surprise(raw: str | None, value) -> str | None:
    """Explain how YAML 1.1 silently reinterpreted a plain scalar, or None."""
    if raw is None:
        return None
    s = raw.strip()
    low = s.lower()
    if isinstance(value, bool) and low in _BOOLISH - {"true", "false"}:
        return f"'{raw}' läses av YAML som {'sant' if value else 'falskt'} (boolesk)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SEXAGESIMAL.match(s):
            return f"'{raw}' läses av YAML 1.1 som talet {value:g} (sexagesimalt, som klockslag)"
        if _OCTAL.match(s) and s.lstrip("+-").strip("0_") != "":
            return f"'{raw}' läses av YAML 1.1 som talet {value} (oktalt, inledande nolla)"
        if _HEX.match(s):
            return f"'{raw}' läses av YAML som talet {value} (hexadecimalt)"
    if isinstance(value, str) and _EXPONENT_NO_DOT.match(s):
        return f"'{raw}' läses av YAML 1.1 som text, inte som tal"
    if isinstance(value, str) and _LEADING_ZERO.match(s):
        return f"'{raw}' läses av YAML 1.1 som text (inledande nolla men ingen oktal siffra)"
    return None


def surprise_hint(raw: str) -> str:
    s = raw.strip()
    if _EXPONENT_NO_DOT.match(s):
        return f"Skriv talet med decimalpunkt ({s.lower().replace('e', '.0e', 1)}) eller utan exponent."
    if _OCTAL.match(s) or _LEADING_ZERO.match(s):
        return f"Skriv talet utan inledande nolla ({s.lstrip('+-0_') or '0'}), eller sätt citattecken om det är text: \"{s}\"."
    return f"Sätt citattecken om det är text (\"{s}\"), eller skriv talet som det är menat."
