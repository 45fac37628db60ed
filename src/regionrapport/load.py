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

import hashlib
import re
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

from .diagnostics import Diagnostic, ReportError, relpath
from .paths import outside_project

MAX_BYTES = 2 * 1024 * 1024  # a report's YAML is tens of kB; anything near this is a mistake
MAX_DEPTH = 40  # the formats nest about eight levels; deeper is a generated or broken file
# Every number in every file: a region's budget in kronor is about 1e10, so 1e15 is far
# beyond any real figure yet well inside what a float holds exactly (2**53 ≈ 9e15).
MAX_NUMBER = 10 ** 15
MAX_DIGITS = 30  # digits of an integer as typed, checked before Python converts it
_BOUND = "ett tal får vara högst 10^15 till beloppet"
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
    # False when the file's text cannot hold what checks/untrusted.py looks for in its
    # strings (no "{" before "=", "![", "<", "---" or backslash escape): that scan is skipped.
    markup: bool = True
    blocks: dict = field(default_factory=dict)  # path -> '|' or '>' for a block scalar (its text starts a line below)

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

    def text_pos(self, path: tuple, line: int) -> Pos:
        """Where line `line` (1-based) of the text at path stands: a literal block (|)
        keeps its lines, a folded one (>) starts below its indicator, other scalars at their value."""
        p = self.pos(path)
        style = self.blocks.get(tuple(path))
        if style == "|":
            return Pos(p.line + line, 1)
        if style == ">":
            return Pos(p.line + 1, 1)
        return p

    def diag(self, path, code, message, hint="", severity="error", prefer="value") -> Diagnostic:
        p = self.pos(path, prefer)
        return Diagnostic(self.file, p.line, p.col, code, message, hint, severity)


@dataclass
class Loaded:
    data: Any  # the YAML as parsed: untrusted, any shape
    smap: SourceMap
    path: Path
    digest: str = ""  # sha256 of the bytes parsed (load_file): what the cache keys on


def _mark(node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def _excerpt(text: str, line: int) -> str:
    # A tab is the commonest cause of a syntax error and invisible when printed.
    return _line(text, line).strip(" ").replace("\t", "→")[:80]


class LoadMemo:
    """Files parsed before, by their name and the sha256 of their bytes: what a long-running
    `rapport preview` keeps between rebuilds, so that only the edited file is parsed again.

    Keyed on the bytes, not on a file's mtime: an edit within one tick of the file
    system's clock is a different key. A file that does not load (a syntax error) is not
    kept. Bounded: at most `size` files; the oldest used goes first. What is kept is
    shared between rebuilds and never changed after load_text (nothing downstream writes
    into a Loaded's data or source map)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, Path, str], Loaded] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, key: tuple[str, Path, str]) -> Loaded | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return found

    def put(self, key: tuple[str, Path, str], loaded: Loaded) -> None:
        self._kept[key] = loaded
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)


_MEMO: ContextVar[LoadMemo | None] = ContextVar("rr_load_memo", default=None)


@contextmanager
def remembering(memo: LoadMemo):
    """Within this block (and this thread), load_file keeps and reuses what it parsed in `memo`."""
    token = _MEMO.set(memo)
    try:
        yield memo
    finally:
        _MEMO.reset(token)


def load_file(path: Path, root: Path | None = None, display: str | None = None) -> Loaded:
    """Load one YAML file. Raises ReportError with located diagnostics on bad input."""
    name = display or relpath(path, root)
    data = read_bytes(path, name, root)
    # The digest of exactly these bytes: a cache stamp keyed on it describes what this
    # run parsed, even when the file (or the target of a symlink) changes meanwhile.
    digest = hashlib.sha256(data).hexdigest()
    memo = _MEMO.get()
    key = (name, Path(path), digest)
    if memo is not None:
        found = memo.get(key)
        if found is not None:
            return found
    loaded = load_text(decode(data, name), name)
    loaded.digest = digest
    if memo is not None:
        memo.put(key, loaded)
    return loaded


def read_bytes(path: Path, name: str, root: Path | None = None) -> bytes:
    """A YAML file's bytes, refused before reading when it is absurdly large or (given the
    project's root) lies outside the project."""
    if root is not None:
        why = outside_project(root, path)
        if why:  # refused before reading: not a byte of another file reaches a message
            raise ReportError([Diagnostic(name, 1, 1, "RR605", f"{name} pekar ut ur projektmappen ({why}).",
                                          "Lägg filen i projektet i stället för en symbolisk länk; bygget läser "
                                          "inga filer utanför projektet.")])
    try:
        size = path.stat().st_size
    except FileNotFoundError as e:
        raise ReportError([Diagnostic(name, 1, 1, "RR001", f"Filen {name} finns inte.",
                                      "Kontrollera namnet; rapporter ligger i data/outcomes/, budgetar i data/budget/.")]) from e
    # Refused before reading: a runaway file must not cost time or memory. The read is
    # bounded too, for a file that grows meanwhile or a device that reports no size.
    data = b""
    if size <= MAX_BYTES:
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_BYTES + 1)
        except OSError as e:  # a folder, a broken symlink, no permission
            raise ReportError([Diagnostic(name, 1, 1, "RR001", f"Filen {name} kan inte läsas: {e.strerror or e}.",
                                          "Kontrollera att sökvägen är en vanlig fil som går att läsa.")]) from e
    if size > MAX_BYTES or len(data) > MAX_BYTES:
        size = max(size, len(data))
        raise ReportError([Diagnostic(name, 1, 1, "RR003",
                                      f"Filen är {size // 1024} kB, gränsen är {MAX_BYTES // 1024} kB.",
                                      "Dela upp filen eller kontrollera att den inte genererats fel.")])
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text, or RR002 at the line of the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise ReportError([Diagnostic(name, line, 1, "RR002", "Filen är inte sparad som UTF-8.",
                                      "Spara om filen som UTF-8 (utan BOM) i editorn.")]) from e


# A superset of checks/untrusted.py's patterns as they can stand in YAML source: a
# double-quoted string may spell any of them with escapes, a folded "{" and "=" may
# stand on two lines.
_MAY_HOLD_MARKUP = re.compile(r"\{\s*=|!\[|<|---|\\|\]\s*[(:]|\x85|[\u202a-\u202e\u2066-\u2069]")


def load_text(text: str, name: str) -> Loaded:
    smap = SourceMap(name)
    smap.markup = bool(_MAY_HOLD_MARKUP.search(text))
    builder = _Builder(smap)
    try:
        # One pass over libyaml's events builds the data and the source map. Anchors,
        # aliases and absurd nesting are refused as they are met, so an alias bomb is
        # never expanded and nothing recursive ever sees a deep structure.
        for ev in yaml.parse(text, Loader=_Loader):
            builder.feed(ev)
    except yaml.MarkedYAMLError as e:
        if "nesting depth" in (e.problem or ""):
            # libyaml >= 0.2.6 stops at 1 000 levels itself, reading ahead of our own
            # limit: the same refusal in the same words, whichever backend saw it first.
            raise ReportError([_depth_diagnostic(name, e.problem_mark or e.context_mark)]) from e
        raise ReportError([_syntax_diagnostic(e, text, name)]) from e
    except yaml.YAMLError as e:  # pragma: no cover - non-marked errors are rare
        raise ReportError([Diagnostic(name, 1, 1, "RR002", f"YAML-syntaxfel: {e}")]) from e
    if builder.diags:
        raise ReportError(builder.diags)
    return Loaded({} if builder.root is None else builder.root, smap, Path(name))


def _depth_diagnostic(name: str, mark) -> Diagnostic:
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Diagnostic(name, line, col, "RR003", f"Strukturen är nästlad djupare än {MAX_DEPTH} nivåer.",
                      "Filen är troligen genererad fel; formatet har högst ett tiotal nivåer.")


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
        elif prev and _indent(here) > _indent(prev) and (key := _KEY_LINE.match(prev)) and key.group(1).strip():
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


# --- events -> data + source map ------------------------------------------------
_resolver = yaml.resolver.Resolver()
_MERGE = "tag:yaml.org,2002:merge"
_DISCARD = object()  # the value of a key that was refused (the subtree is read and dropped)


class _Frame:
    __slots__ = ("container", "first_line", "is_key", "key", "key_event", "path")

    def __init__(self, container, path, is_key=False):
        self.container = container  # dict, list, or _DISCARD
        self.path = path
        self.is_key = is_key  # a mapping or list used as a key: read and dropped
        self.key = _DISCARD  # mapping: the key waiting for its value; _DISCARD when none is
        self.key_event = None
        self.first_line: dict = {}


class _Builder:
    """Turns libyaml's event stream into plain data, recording positions as it goes."""

    def __init__(self, smap: SourceMap):
        self.smap = smap
        self.diags: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.root = None
        self.documents = 0
        self._scalars: dict = {}  # (tag, text) -> value: most scalars repeat ("utfall", 0, ...)

    def _diag(self, ev, code, message, hint=""):
        m = ev.start_mark
        self.diags.append(Diagnostic(self.smap.file, m.line + 1, m.column + 1, code, message, hint))

    def feed(self, ev) -> None:
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            if ev.anchor:
                self._refuse_anchor(ev, "&", ev.anchor)
            self._scalar(ev)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if ev.anchor:
                self._refuse_anchor(ev, "&", ev.anchor)
            if len(self.stack) >= MAX_DEPTH:
                raise ReportError([_depth_diagnostic(self.smap.file, ev.start_mark)])
            self._open(ev, {} if kind is yaml.MappingStartEvent else [])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = self.stack.pop()
            if not frame.is_key:  # after a refused key, its value is still to come (and be dropped)
                self._place(frame.container, None, None)
        elif kind is yaml.AliasEvent:
            self._refuse_anchor(ev, "*", ev.anchor)
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                m = ev.start_mark
                raise ReportError([Diagnostic(self.smap.file, m.line + 1, m.column + 1, "RR002",
                                              "YAML-syntaxfel: filen innehåller mer än ett dokument (---).",
                                              "En fil är ett dokument: ta bort den andra '---'-raden eller dela filen.")])

    def _refuse_anchor(self, ev, sign, name):
        m = ev.start_mark
        raise ReportError([Diagnostic(
            self.smap.file, m.line + 1, m.column + 1, "RR004",
            f"YAML-ankare och alias ({sign}{name}) används inte i regionrapport.",
            "Skriv ut värdet där det behövs; varje siffra ska stå på ett ställe och synas i diffen.")])

    # -- where the next node goes --------------------------------------------
    def _slot(self, ev):
        """(path of the node that starts with ev, or None when it is a mapping key)."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.container is _DISCARD:
            return _DISCARD
        if top.key is _DISCARD and top.key_event is None:
            return None  # a key
        return (*top.path, top.key) if top.key is not _DISCARD else _DISCARD

    def _open(self, ev, container):
        path = self._slot(ev)
        if path is None:  # a mapping or list used as a key
            self._diag(ev, "RR002", "En nyckel måste vara ett enkelt värde.")
            self.stack[-1].key_event = ev  # its value will be read and dropped
            self.stack.append(_Frame(_DISCARD, (), is_key=True))
            return
        if path is _DISCARD:
            self.stack.append(_Frame(_DISCARD, ()))
            return
        self.smap.values[path] = Pos(ev.start_mark.line + 1, ev.start_mark.column + 1)
        self.stack.append(_Frame(container, path))

    def _place(self, value, ev, path) -> None:
        """Put a finished value (a closed container, or a scalar) into its parent."""
        if not self.stack:
            self.root = value if value is not _DISCARD else None
            return
        top = self.stack[-1]
        if top.container is _DISCARD:
            return
        if isinstance(top.container, list):
            top.container.append(None if value is _DISCARD else value)
            return
        if top.key is _DISCARD:
            if top.key_event is not None:  # the value of a refused key
                top.key_event = None
            return
        if value is not _DISCARD:
            top.container[top.key] = value
        top.key, top.key_event = _DISCARD, None

    # -- scalars ----------------------------------------------------------------
    def _scalar(self, ev) -> None:
        path = self._slot(ev)
        if path is None:
            self._key(ev)
            return
        if path is _DISCARD:
            self._place(_DISCARD, ev, path)
            return
        self.smap.values[path] = Pos(ev.start_mark.line + 1, ev.start_mark.column + 1)
        plain = not ev.style  # plain (libyaml: '', PyYAML: None)
        if plain:
            self.smap.raw[path] = ev.value
        else:
            self.smap.quoted.add(path)
            if ev.style in ("|", ">"):
                self.smap.blocks[path] = ev.style
        self._place(self._value(ev, plain), ev, path)

    def _key(self, ev) -> None:
        top = self.stack[-1]
        plain = not ev.style
        tag = self._tag(ev)
        if tag == _MERGE:
            self._diag(ev, "RR004", "YAML-sammanslagning (<<) används inte.", "Skriv ut nycklarna.")
            top.key_event = ev  # drop the merged value
            return
        key = self._value(ev, plain)
        if key is _DISCARD:
            top.key_event = ev
            return
        if isinstance(key, bool):
            # The Norway problem: `no:` as a key becomes False.
            self._diag(ev, "RR014", f"Nyckeln '{ev.value}' läses av YAML som {'sant' if key else 'falskt'}.",
                       f"Sätt citattecken runt nyckeln: \"{ev.value}\":")
            top.key_event = ev
            return
        line = ev.start_mark.line + 1
        if key in top.first_line:
            self._diag(ev, "RR005", f"Nyckeln '{key}' finns två gånger (rad {top.first_line[key]} och rad {line}).",
                       "YAML behåller bara det sista värdet; ta bort eller slå ihop den ena.")
            top.key_event = ev
            return
        top.first_line[key] = line
        top.key = key
        path = (*top.path, key)
        self.smap.keys[path] = Pos(line, ev.start_mark.column + 1)
        if plain:
            raw_key = (*path, "<key>")
            self.smap.raw[raw_key] = ev.value

    def _tag(self, ev) -> str:
        tag = ev.tag
        if tag is None or tag == "!":
            key = (ev.value, ev.implicit)
            tag = self._scalars.get(key)
            if tag is None:
                tag = self._scalars[key] = _resolver.resolve(ScalarNode, ev.value, ev.implicit)
        return tag

    def _value(self, ev, plain: bool):
        """The constructed value, or _DISCARD after a diagnostic."""
        tag = self._tag(ev)
        if tag == _STR:
            return ev.value  # most scalars are text: no constructor needed
        cached = self._scalars.get((tag, ev.value, plain))
        if cached is not None:
            return cached
        if tag == _INT and sum(ch.isdigit() for ch in ev.value) > MAX_DIGITS:
            # refused before conversion: Python's own limit on long integers raises
            # ValueError, which is no impossible date
            self._diag(ev, "RR620", f"Talet har {sum(ch.isdigit() for ch in ev.value)} siffror; {_BOUND}.",
                       "Kontrollera talet; belopp skrivs i organisationens enhet (t.ex. mnkr).")
            return _DISCARD
        node = ScalarNode(tag, ev.value, ev.start_mark, ev.end_mark, ev.style)
        construct = _constructor.yaml_constructors.get(tag)
        try:
            if construct is None:
                raise yaml.constructor.ConstructorError(None, None, f"taggen {tag} stöds inte", ev.start_mark)
            value = construct(_constructor, node)
        except yaml.constructor.ConstructorError as e:
            self._diag(ev, "RR016", f"Ogiltigt värde '{ev.value}': {e.problem}.")
            return _DISCARD
        except ValueError:  # an impossible date such as 2025-02-30
            self._diag(ev, "RR016", f"Datumet '{ev.value}' finns inte.", "Skriv ett giltigt datum som ÅÅÅÅ-MM-DD.")
            return _DISCARD
        if tag in (_INT, _FLOAT) and not _in_range(value):
            what = "inget tal" if ("nan" in ev.value.lower() or "inf" in ev.value.lower()) else "för stort"
            self._diag(ev, "RR620", f"'{ev.value[:40]}' är {what}; {_BOUND}.",
                       "Skriv ett vanligt tal, eller null för ett tomt fält (.nan och .inf används inte).")
            return _DISCARD
        if plain and tag in (_INT, _FLOAT):
            surprise = yaml11_surprise(ev.value, value)
            if surprise:
                self._diag(ev, "RR014", surprise + ".", surprise_hint(ev.value))
                return _DISCARD
        if value is not None:
            self._scalars[(tag, ev.value, plain)] = value
        return value


def _in_range(value) -> bool:
    """Finite and at most MAX_NUMBER in size (NaN fails every comparison)."""
    return -MAX_NUMBER <= value <= MAX_NUMBER


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
