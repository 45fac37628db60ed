"""YAML -> plain data + a source map (key path -> file:line:col).

PyYAML alone loses what an analyst needs to know: it keeps the last of two
duplicate keys silently, expands aliases (an alias bomb explodes whatever walks
the result) and gives no position for a value once constructed. So we compose
the node tree ourselves, refuse anchors and aliases, reject duplicate keys
naming both lines, and record where every key and value stands.
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
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = SafeConstructor()

Path_ = tuple  # a key path: ("poster", "hsn", "utfall")


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


def _excerpt(text: str, line: int) -> str:
    lines = text.splitlines()
    if 1 <= line <= len(lines):
        return lines[line - 1].strip()[:80]
    return ""


def load_file(path: Path, root: Path | None = None, display: str | None = None) -> Loaded:
    """Load one YAML file. Raises ReportError with located diagnostics on bad input."""
    name = display or relpath(path, root)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ReportError([Diagnostic(name, 1, 1, "RR001", f"Filen {name} finns inte.",
                                      "Kontrollera namnet; rapporter ligger i data/outcomes/, budgetar i data/budget/.")])
    if size > MAX_BYTES:
        raise ReportError([Diagnostic(name, 1, 1, "RR003",
                                      f"Filen är {size // 1024} kB, gränsen är {MAX_BYTES // 1024} kB.",
                                      "Dela upp filen eller kontrollera att den inte genererats fel.")])
    text = path.read_text(encoding="utf-8", errors="replace")
    return load_text(text, name)


def load_text(text: str, name: str) -> Loaded:
    smap = SourceMap(name)
    # Anchors and aliases are refused before anything is built: events cost
    # nothing to scan and an alias bomb never gets expanded.
    try:
        for ev in yaml.parse(text, Loader=_Loader):
            anchor = getattr(ev, "anchor", None)
            if isinstance(ev, yaml.AliasEvent) or anchor:
                m = ev.start_mark
                raise ReportError([Diagnostic(
                    name, m.line + 1, m.column + 1, "RR004",
                    f"YAML-ankare och alias ({'*' if isinstance(ev, yaml.AliasEvent) else '&'}{anchor}) används inte i regionrapport.",
                    "Skriv ut värdet där det behövs; varje siffra ska stå på ett ställe och synas i diffen.")])
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark or e.context_mark
        line, col = (m.line + 1, m.column + 1) if m else (1, 1)
        problem = (e.problem or str(e)).strip()
        excerpt = _excerpt(text, line)
        raise ReportError([Diagnostic(
            name, line, col, "RR002", f"YAML-syntaxfel: {problem}" + (f" i raden «{excerpt}»" if excerpt else ""),
            "Kontrollera indrag (mellanslag, inte tabb), kolon efter nyckeln och citattecken som stängs.")])
    except yaml.YAMLError as e:  # pragma: no cover - non-marked errors are rare
        raise ReportError([Diagnostic(name, 1, 1, "RR002", f"YAML-syntaxfel: {e}")])
    if node is None:
        return Loaded({}, smap, Path(name))
    diags: list[Diagnostic] = []
    data = _convert(node, (), smap, diags)
    if diags:
        raise ReportError(diags)
    return Loaded(data, smap, Path(name))


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
            if isinstance(k_node, ScalarNode) and k_node.style is None:
                smap.raw[path + (key, "<key>")] = k_node.value
            if key in out:
                diags.append(Diagnostic(
                    smap.file, *_pos(k_node), "RR005",
                    f"Nyckeln '{key}' finns två gånger (rad {first_line[key]} och rad {_mark(k_node).line}).",
                    "YAML behåller bara det sista värdet; ta bort eller slå ihop den ena."))
                continue
            first_line[key] = _mark(k_node).line
            smap.keys[path + (key,)] = _mark(k_node)
            out[key] = _convert(v_node, path + (key,), smap, diags)
        smap.values.pop(path + ("<key>",), None)
        return out
    if isinstance(node, SequenceNode):
        return [_convert(v, path + (i,), smap, diags) for i, v in enumerate(node.value)]
    # scalar
    if node.style is None:
        smap.raw[path] = node.value
    else:
        smap.quoted.add(path)
    try:
        return _constructor.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as e:
        diags.append(Diagnostic(smap.file, *_pos(node), "RR002", f"Ogiltigt värde: {e.problem}"))
        return None
    except ValueError as e:  # e.g. an impossible date 2025-02-30
        diags.append(Diagnostic(smap.file, *_pos(node), "RR002", f"Ogiltigt värde '{node.value}': {e}"))
        return None


def _pos(node) -> tuple[int, int]:
    p = _mark(node)
    return p.line, p.col


# --- YAML 1.1 surprises -------------------------------------------------------
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_BOOLISH = {"yes", "no", "on", "off", "y", "n", "true", "false"}


def yaml11_surprise(raw: str | None, value) -> str | None:
    """Explain how YAML 1.1 silently reinterpreted a plain scalar, or None."""
    if raw is None:
        return None
    low = raw.strip().lower()
    if isinstance(value, bool) and low in _BOOLISH - {"true", "false"}:
        return f"'{raw}' läses av YAML som {'sant' if value else 'falskt'} (boolesk)"
    if isinstance(value, int) and not isinstance(value, bool):
        if _SEXAGESIMAL.match(raw.strip()):
            return f"'{raw}' läses av YAML 1.1 som talet {value} (sexagesimalt)"
        if _OCTAL.match(raw.strip()) and raw.strip().lstrip("+-") != "0":
            return f"'{raw}' läses av YAML 1.1 som talet {value} (oktalt)"
    return None
