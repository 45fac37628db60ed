"""`rapport migrate`: rewrite a project's YAML from a form the tool no longer reads to today's.

The YAML format is a promise: a region keeps years of data in git, and every change
to the format either keeps today's files working or comes with a migration step
here that rewrites them. Each step names the old form, what it becomes and the
version since which the old form is refused (STEPS, in the order they run).

Like `rapport import` (importing/yamledit.py), no YAML library writes the file:
the loader's source map says where each key stands, and only the lines of the old
form change. Comments, order, blank lines, quoting and line endings of everything
else stay as they are, so the pull request shows exactly the migration. The files
are read without validation (an old form is exactly what today's models refuse),
only through the loader's own limits and syntax check. Dry run by default: the
changes are shown as a unified diff and nothing is written; `--write` writes them,
each file replaced whole (a temporary file renamed over it) or not at all.
"""
from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..constants import ORG_FILE
from ..diagnostics import Diagnostic, ReportError
from ..importing.yamledit import EditError, YamlLines
from ..load import Loaded, decode, load_text, read_bytes

FILE_KINDS = ("organisation", "budget", "outcomes")


class Cannot(ValueError):
    """An old form that cannot be rewritten in place (e.g. inside a { } mapping): its line (1-based) and why."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class Lines(YamlLines):
    """One file's lines and the edits of one migration pass: lines replaced, removed or inserted."""

    name: str
    text: str
    loaded: Loaded
    edits: list[tuple[int, int, list[str]]] = field(default_factory=list)  # [start, end) -> new lines

    def __post_init__(self) -> None:
        YamlLines.__init__(self, self.text, self.loaded.smap)

    @property
    def data(self):
        return self.loaded.data

    def replace(self, index: int, new: str) -> None:
        self.edits.append((index, index + 1, [new]))

    def delete(self, index: int) -> None:
        self.edits.append((index, index + 1, []))

    def insert_after(self, index: int, new_lines: list[str]) -> None:
        self.edits.append((index + 1, index + 1, new_lines))

    def applied(self) -> str:
        ended = [(start, end, [x + self.newline for x in new]) for start, end, new in self.edits]
        return "".join(self.splice(self.ended_lines(), ended))

    def own_line(self, path: tuple) -> int:
        """The line of a `key: value` that stands alone on its line (a block mapping's entry)."""
        i = self.key_line(path)
        line = self.lines[i]
        key = str(path[-1])
        if not re.match(rf"^\s*{re.escape(key)}\s*:(\s+[^\s{{\[].*)?\s*$", line.rstrip("\r\n")):
            raise Cannot(i + 1, f"'{key}' står inte på en egen rad; ändra den för hand")
        return i

    def block_end(self, index: int, dash: int) -> int:
        """The last line of the list item whose dash stands at column `dash` on line `index`:
        the lines after it indented further belong to it (a block mapping item)."""
        last = index
        for j in range(index + 1, len(self.lines)):
            stripped = self.lines[j].strip()
            if not stripped or stripped.startswith("#"):
                continue
            if _indent(self.lines[j]) <= dash:
                break
            last = j
        return last


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


@dataclass(frozen=True)
class Step:
    """One change of the format: the old form, what it becomes, and since which version."""

    id: str
    since: str  # the first version that refuses the old form
    files: tuple[str, ...]  # which kinds of file hold it: organisation, budget, outcomes
    old: str  # the old form, as a user would recognise it
    new: str  # what it becomes
    apply: Callable[[Lines], int]  # edits one file; returns how many places it changed


# -- the steps -----------------------------------------------------------------------------
def _table_comment_flag(doc: Lines) -> int:
    """tabeller.<id>.kommentarer: true -> 'kommentar' among the table's columns; the flag goes."""
    tables = doc.data.get("tabeller") if isinstance(doc.data, dict) else None
    if not isinstance(tables, dict):
        return 0
    changed = 0
    for tid, table in tables.items():
        if not isinstance(table, dict) or "kommentarer" not in table:
            continue
        flag_line = doc.own_line(("tabeller", tid, "kommentarer"))
        columns = table.get("kolumner")
        ids = [c if isinstance(c, str) else c.get("kolumn") if isinstance(c, dict) else None
               for c in columns] if isinstance(columns, list) else None
        if table["kommentarer"] is True and ids is not None and "kommentar" not in ids:
            _append_to_list(doc, ("tabeller", tid, "kolumner"), len(ids), "kommentar")
        doc.delete(flag_line)
        changed += 1
    return changed


def _append_to_list(doc: Lines, path: tuple, count: int, item: str) -> None:
    """Append a plain item to the list at `path`: inside its [ ] on the key's line, or as a new `- item` line."""
    try:
        i, colon = doc.after_colon(path)
    except EditError as e:  # pragma: no cover - the loader found the key there
        raise Cannot(doc.key_line(path) + 1, str(e)) from e
    line = doc.lines[i].rstrip("\r\n")
    after = line[colon:]
    if after.strip().startswith("["):
        code = re.sub(r"\s*#.*$", "", line) if "#" in after else line
        close = code.rfind("]")
        if close < 0:
            raise Cannot(i + 1, f"listan '{path[-1]}' slutar inte på samma rad; ändra den för hand")
        inner = code[code.index("[", len(line) - len(after)) + 1:close].strip()
        doc.replace(i, line[:close] + (", " if inner else "") + item + line[close:])
        return
    if count == 0:
        raise Cannot(i + 1, f"listan '{path[-1]}' är tom; ändra den för hand")
    last = doc.loaded.smap.values.get((*path, count - 1)) or doc.loaded.smap.keys.get((*path, count - 1))
    if last is None:  # pragma: no cover - every list item has a position
        raise Cannot(i + 1, "hittar inte listans sista rad")
    start = last.line - 1
    dash = doc.lines[start].index("-") if doc.lines[start].lstrip().startswith("-") else _indent(doc.lines[start])
    doc.insert_after(doc.block_end(start, dash), [" " * dash + "- " + item])


STEPS: list[Step] = [
    Step("tabell-kommentarer", since="0.1.0", files=("budget", "outcomes"),
         old="tabeller.<id>.kommentarer: true (a flag for a comment column)",
         new="'kommentar' in tabeller.<id>.kolumner (the flag is removed; kommentarer: false is removed)",
         apply=_table_comment_flag),
]
"""Every migration, oldest first. A new change to the format adds its step here, with a
rule case or test showing the old form, and a line in docs/yaml-format.md."""


# -- the command ---------------------------------------------------------------------------
@dataclass
class FileChange:
    path: Path
    name: str  # as the user names it (relative to the project)
    old: str
    new: str
    steps: list[tuple[str, int]]  # (step id, places changed)

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.old.splitlines(keepends=True), self.new.splitlines(keepends=True),
                                            f"a/{self.name}", f"b/{self.name}"))


def project_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every file the format covers, in a stable order."""
    out = [("organisation", root / ORG_FILE)] if (root / ORG_FILE).is_file() else []
    for kind, folder in (("budget", "budget"), ("outcomes", "outcomes")):
        out += [(kind, p) for p in sorted((root / "data" / folder).glob("*.yaml")) if p.is_file()]
    return out


def migrate_text(text: str, name: str, kind: str, steps: list[Step] | None = None) -> tuple[str, list[tuple[str, int]]]:
    """The file's text after every step that applies to its kind, and what each step changed."""
    done = []
    for step in STEPS if steps is None else steps:
        if kind not in step.files:
            continue
        doc = Lines(name, text, load_text(text, name))
        try:
            n = step.apply(doc)
        except Cannot as e:
            raise ReportError([Diagnostic(name, e.line, 1, "RR570", f"Formen kan inte migreras automatiskt ({step.id}): "
                                          f"{e}.", f"Skriv om den för hand: {step.new}.")]) from e
        if n:
            text = doc.applied()
            done.append((step.id, n))
    return text, done


def migrate(root: Path, steps: list[Step] | None = None) -> list[FileChange]:
    """What migrating the project would change, file by file (nothing is written)."""
    changes, problems = [], []
    for kind, path in project_files(root):
        name = path.relative_to(root).as_posix()
        try:
            old = decode(read_bytes(path, name, root), name)
            new, done = migrate_text(old, name, kind, steps)
        except ReportError as e:
            problems += e.diagnostics
            continue
        if new != old:
            changes.append(FileChange(path, name, old, new, done))
    if problems:
        raise ReportError(problems)
    return changes


def write(changes: list[FileChange]) -> None:
    """Each file replaced whole: a temporary file beside it, renamed over it."""
    for c in changes:
        fd, tmp = tempfile.mkstemp(prefix=".rapport-migrate-", dir=c.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(c.new)
            os.replace(tmp, c.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
