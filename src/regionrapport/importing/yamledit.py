"""Writing figures into a report's YAML in place.

No YAML library writes the file: the loader's source map says where each key
stands, and only the text of the figures changes (the scalar after `key:`), or a
line `key: value` is inserted where the key is missing. Comments, order, blank
lines, quoting and line endings of everything else stay as they are, so that a
pull request shows exactly the figures that changed.
"""
from __future__ import annotations

import re

from ..load import SourceMap

_VALUE = re.compile(r"[^\s,\]}#]+")


class EditError(ValueError):
    """A figure that cannot be written in place; the message says where and why."""


class YamlLines:
    """A YAML file's lines as written and where its keys stand: what `rapport import`
    (Editor, below) and `rapport migrate` (commands/migrate.py) edit by.

    The lines keep their own endings; a line either adds is ended like the file's
    first line (CRLF or LF), and a last line without one gets it when the file is
    written back (so an appended line cannot run on from it)."""

    def __init__(self, text: str, smap: SourceMap):
        self.lines = text.splitlines(keepends=True)
        self.newline = "\r\n" if self.lines and self.lines[0].endswith("\r\n") else "\n"
        self.smap = smap

    def key_line(self, path: tuple) -> int:
        """0-based index of the line where the key at `path` stands."""
        return self.smap.keys[path].line - 1

    def after_colon(self, path: tuple) -> tuple[int, int]:
        """(line index, column index just after the key's colon); a quoted key may hold a colon."""
        pos = self.smap.keys[path]
        idx = pos.line - 1
        line = self.lines[idx]
        key = str(path[-1])
        start = pos.col - 1
        raw = self.smap.raw.get((*path, "<key>"))
        end = start + len(raw if raw is not None else key)
        if raw is None:  # a quoted key: skip to its closing quote
            q = line[start]
            end = line.index(q, start + 1) + 1
        colon = line.find(":", end)
        if colon < 0 or line[end:colon].strip():
            raise EditError(f"rad {pos.line}: kolonet efter '{key}' hittas inte")
        return idx, colon + 1

    def ended_lines(self) -> list[str]:
        """A copy of the lines, the last one ended."""
        lines = list(self.lines)
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += self.newline
        return lines

    @staticmethod
    def splice(lines: list[str], edits: list[tuple[int, int, list[str]]]) -> list[str]:
        """Lines [start, end) replaced by new ones (ended), the last edit first so indices hold."""
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            lines[start:end] = new
        return lines


class Editor(YamlLines):
    def __init__(self, text: str, smap: SourceMap, data: dict):
        super().__init__(text, smap)
        self.data = data
        self.inline: list[tuple[int, int, int, str]] = []  # (line index, start, end, text)
        self.pending: dict[tuple, list[tuple[tuple, str]]] = {}  # existing ancestor -> [(relative path, value)]

    # -- public ---------------------------------------------------------------
    def set(self, path: tuple, value: str) -> None:
        """Write value (YAML number text) at path, e.g. ('poster', 'hsn', 'tryckt', 'utfall')."""
        if path in self.smap.keys:
            self._replace(path, value)
            return
        anc = path[:-1]
        while anc and anc not in self.smap.keys:
            anc = anc[:-1]
        self.pending.setdefault(anc, []).append((path[len(anc):], value))

    def text(self) -> str:
        lines = self.ended_lines()
        # Inserts first: one into a { } mapping is itself an edit within a line.
        inserts = [self._insert(anc, items, lines) for anc, items in self.pending.items()]
        for idx, start, end, new in sorted(self.inline, reverse=True):
            line = lines[idx]
            lines[idx] = line[:start] + new + line[end:]
        return "".join(self.splice(lines, [(after + 1, after + 1, new) for after, new in inserts if new]))

    # -- replacing a value -------------------------------------------------------
    def _replace(self, path: tuple, value: str) -> None:
        idx, after = self.after_colon(path)
        line = self.lines[idx]
        i = after
        while i < len(line) and line[i] == " ":
            i += 1
        m = _VALUE.match(line, i)
        if m and i < len(line) and line[i] not in "#\r\n":
            old = m.group(0)
            if not _is_figure(old):
                where = f"{self.smap.file}:{idx + 1}"
                raise EditError(f"{where}: '{'.'.join(map(str, path[1:]))}' har värdet '{old}', inte en siffra")
            self.inline.append((idx, m.start(), m.end(), value))
        else:
            rest = line[after:]
            if rest.strip() and not rest.strip().startswith("#"):
                raise EditError(f"{self.smap.file}:{idx + 1}: värdet för '{path[-1]}' kan inte skrivas på plats")
            # `key:` with nothing after it (null): the value goes after the colon.
            self.inline.append((idx, after, after, " " + value))

    # -- inserting keys ------------------------------------------------------------
    def _insert(self, anc: tuple, items: list[tuple[tuple, str]], lines: list[str]) -> tuple[int, list[str]]:
        tree: dict = {}
        for rel, value in items:
            node = tree
            for k in rel[:-1]:
                node = node.setdefault(k, {})
            node[rel[-1]] = value
        if not anc:
            return len(lines) - 1, self._block(tree, 0)
        idx, after = self.after_colon(anc)
        line = self.lines[idx]
        rest = line[after:].strip()
        if rest.startswith("{"):
            if any(isinstance(v, dict) for v in tree.values()):
                raise EditError(f"{self.smap.file}:{idx + 1}: kan inte lägga in ett block i en {{ }}-mappning")
            brace = line.index("{", after)
            inner = ", ".join(f"{k}: {v}" for k, v in tree.items())
            empty = line[brace + 1:].lstrip().startswith("}")
            self.inline.append((idx, brace + 1, brace + 1, inner if empty else inner + ", "))
            return idx, []
        if rest and not rest.startswith("#"):
            raise EditError(f"{self.smap.file}:{idx + 1}: '{anc[-1]}' har ett värde på raden; kan inte lägga till nycklar")
        children = [p.col for path, p in self.smap.keys.items() if len(path) == len(anc) + 1 and path[:-1] == anc]
        indent = min(children) - 1 if children else self.smap.keys[anc].col - 1 + 2
        return idx, self._block(tree, indent)

    def _block(self, tree: dict, indent: int) -> list[str]:
        out = []
        for k, v in tree.items():
            if isinstance(v, dict):
                out.append(" " * indent + f"{k}:" + self.newline)
                out.extend(self._block(v, indent + 2))
            else:
                out.append(" " * indent + f"{k}: {v}" + self.newline)
        return out


def _is_figure(text: str) -> bool:
    if text in ("null", "~", "Null", "NULL", "saknas"):  # saknas: a figure not yet known (rapport new)
        return True
    try:
        float(text)
        return True
    except ValueError:
        return False
