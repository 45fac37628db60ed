"""Incremental builds: skip a report whose inputs and outputs are exactly as its last build left them.

After a successful build a stamp is written to OUT/.rapport-cache/REPORT.json with
content hashes (sha256) of everything the build read:

- the report's data files (`Report.files`: its outcomes file, its budget, organisation.yaml)
  and the files organisation.yaml names (logotyp, referensdokument, typstmall);
- every file under the project's templates/ (a report can use any of them: sections are
  included by name), so a new override file counts as a change too;
- the tool itself: its version, a digest of the package's code, built-in templates and
  resources, and the names (with versions) of the installed distributions, which
  cover pandoc, typst and matplotlib;
- the requested formats;

and the hashes of the outputs written. A report is fresh when all of these match, so
the cache never serves output that differs from what a build would write: a changed
figure rebuilds; a file touched but unchanged does not (content, not mtimes); an
output deleted or edited by hand rebuilds.

`rapport check` keeps the same kind of stamp, without outputs, for a check without
errors (OUT/.rapport-cache/check/REPORT.json; see remembered_check).

Deciding freshness reads and hashes files only: no YAML parsing, no pydantic, no
heavy imports. That is what keeps a no-op `rapport build --all` at a few tens of
milliseconds, most of it the interpreter's start.
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..constants import FORMATS, ORG_FILE, find_root, is_report_id, report_ids  # noqa: F401  (find_root, report_ids: the CLI's quick paths)
from ..fingerprint import file_hash, tool_fingerprint, tree_files
from .outdir import cache_problem

STAMP_FORMAT = 1
CACHE_DIR = ".rapport-cache"


def template_files(root: Path) -> list[Path]:
    return tree_files(root / "templates")


def stamp_path(out_root: Path, report_id: str) -> Path:
    return out_root / CACHE_DIR / f"{report_id}.json"


def _rel(path: Path, root: Path) -> str:
    """The key of an input: its path as the build names it, relative to the project.

    Symlinks are not resolved: the key is the name that is read, and its digest is
    the content read through it. Keyed on the link's target instead, re-pointing a
    link left the old target's unchanged digest in the stamp, and the stale check or
    build was replayed.
    """
    p = Path(os.path.abspath(path))  # '..' folded away lexically, links kept
    try:
        return p.relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(p)


@dataclass
class Stamp:
    """What the last successful build of one report read and wrote."""

    formats: list[str]
    tool: str
    inputs: dict[str, str]  # path relative to the project (or absolute) -> sha256
    outputs: dict[str, str]  # file name inside out/REPORT/ -> sha256
    warnings: list[dict] = field(default_factory=list)  # Diagnostic.as_dict(), replayed when skipped

    @classmethod
    def read(cls, path: Path) -> Stamp | None:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
            if d.get("stamp") != STAMP_FORMAT:
                return None
            return cls(list(d["formats"]), d["tool"], dict(d["inputs"]), dict(d["outputs"]), list(d.get("warnings", [])))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # unreadable or from another version: simply rebuild

    def diagnostics(self) -> list | None:
        """The remembered warnings as Diagnostic records; None if written by another version of the record."""
        from ..diagnostics import Diagnostic

        try:
            return [Diagnostic(**w) for w in self.warnings]
        except TypeError:
            return None

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"stamp": STAMP_FORMAT, "formats": self.formats, "tool": self.tool, "inputs": self.inputs,
                "outputs": self.outputs, "warnings": self.warnings}
        import tempfile

        # Written atomically: parallel workers write different stamps, but a reader must
        # never see half a file.
        # The temporary name does not carry the report id: an id as long as the file
        # system allows must still fit.
        fd, tmp = tempfile.mkstemp(prefix=".stamp-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)  # a full disk: no half-written leftover
            raise


def stale_reason(root: Path, out_root: Path, report_id: str, formats) -> str | None:
    """None when the report's outputs are up to date; otherwise why it must be built (Swedish)."""
    if not is_report_id(report_id):
        return "ogiltigt namn"  # the build itself reports the problem
    if cache_problem(out_root) is not None:
        return "cachemappen går inte att använda"  # the build itself refuses it (RR642)
    stamp = Stamp.read(stamp_path(out_root, report_id))
    if stamp is None:
        return "inte byggd tidigare"
    if [f for f in FORMATS if f in formats] != stamp.formats:
        return "andra format än förra gången"
    reason = _changed_input(root, stamp)
    if reason:
        return reason
    out_dir = out_root / report_id
    for name, digest in stamp.outputs.items():
        got = file_hash(out_dir / name)
        if got is None:
            return f"utdata saknas: {name}"
        if got != digest:
            return f"utdata ändrad: {name}"
    return None


def _changed_input(root: Path, stamp: Stamp) -> str | None:
    """What differs between the stamp's tool and inputs and what is on disk now, or None."""
    if stamp.tool != tool_fingerprint():
        return "verktyget har ändrats"
    for rel, digest in stamp.inputs.items():
        if file_hash(root / rel) != digest:
            return f"ändrad: {rel}"
    known = {k for k in stamp.inputs if k.startswith("templates/")}
    for p in template_files(root):
        if _rel(p, root) not in known:
            return f"ny mall: {_rel(p, root)}"
    return None


# -- rapport check ---------------------------------------------------------------------
# A clean check (no errors) leaves a stamp like a build's, without outputs, under
# OUT/.rapport-cache/check/. A check of a report whose inputs and tool are unchanged
# replays its warnings instead of loading anything: no YAML, no pydantic. A check with
# errors leaves no stamp, because the fix may be a file the failed check could not name
# (a budget file that did not exist yet); so the run after an edit always checks afresh.
def check_stamp_path(out_root: Path, report_id: str) -> Path:
    return out_root / CACHE_DIR / "check" / f"{report_id}.json"


def remembered_check(root: Path, out_root: Path, report_id: str) -> list | None:
    """The warnings of the last clean check of an unchanged report, or None: check it."""
    if not is_report_id(report_id) or cache_problem(out_root) is not None:
        return None
    stamp = Stamp.read(check_stamp_path(out_root, report_id))
    if stamp is None or _changed_input(root, stamp) is not None:
        return None
    return stamp.diagnostics()


def inputs_before(project, report_id: str, stamp_file: Path) -> dict[str, str | None]:
    """Digests of what the coming check or build will read, taken before it reads them: an
    input edited meanwhile then leaves a stamp that no longer matches it, and the next run
    works again."""
    root = project.root
    old = Stamp.read(stamp_file) if is_report_id(report_id) else None
    candidates = [root / ORG_FILE, root / "data" / "outcomes" / f"{report_id}.yaml", *template_files(root),
                  *_org_files(project), *(root / rel for rel in (old.inputs if old else {}))]
    return {_rel(p, root): file_hash(p) for p in candidates}


def input_digests(project, read, before: dict, parsed: dict | None = None) -> dict[str, str]:
    """Digests of everything a report's check or build depends on: the files it read, the
    project's templates and the files organisation.yaml names.

    `parsed` (Report.digests) holds the digests of the YAML bytes the run actually
    parsed; they win, so a stamp describes what was read even if the file changed since.
    The other files are digested before the run reads them (`before`): an edit during
    the run leaves a stamp that no longer matches, and the next run works again.
    """
    root = project.root
    inputs = {}
    for p, digest in (parsed or {}).items():
        inputs[_rel(p, root)] = digest
    for p in [*read, root / ORG_FILE, *template_files(root), *_org_files(project)]:
        rel = _rel(p, root)
        if rel in inputs:
            continue
        digest = before.get(rel) or file_hash(Path(p))
        if digest is not None:
            inputs[rel] = digest
    return dict(sorted(inputs.items()))


def remember_check(project, report, diagnostics: list, out_root: Path, before: dict) -> None:
    """Stamp a clean check (warnings allowed); a check with errors is never remembered."""
    if report is None or not report.files or any(d.severity == "error" for d in diagnostics):
        return
    if cache_problem(out_root) is not None:
        return  # a link or a file where the cache folder should be: written through, never
    with contextlib.suppress(OSError):  # a read-only checkout: checking still works, only not remembered
        Stamp([], tool_fingerprint(), input_digests(project, report.files, before, report.digests), {},
              [d.as_dict() for d in diagnostics]).write(check_stamp_path(out_root, report.id))


def replayed_warnings(out_root: Path, report_id: str) -> list:
    """The warnings of the build that made the current outputs: a skipped build still shows them."""
    stamp = Stamp.read(stamp_path(out_root, report_id))
    return (stamp.diagnostics() or []) if stamp else []


def outputs_of(out_root: Path, report_id: str) -> list[Path]:
    stamp = Stamp.read(stamp_path(out_root, report_id))
    return [out_root / report_id / n for n in stamp.outputs] if stamp else []


def _org_files(project) -> list[Path]:
    """Files organisation.yaml names: they shape the output as much as the templates do."""
    out = []
    for attr in ("logotyp", "referensdokument", "typstmall"):
        rel = getattr(project.org, attr, None)
        if rel:
            out.append(project.root / rel)
    return out
