"""The output folder: a report's outputs are replaced as a whole or not at all.

    OUT/REPORT/                          the outputs of the report's last successful build
    OUT/.rapport-tmp/R.PID.XXXX/         one build's scratch folder (pandoc's and typst's work)
    OUT/.rapport-tmp/R.PID.XXXX/REPORT/  the new output set, complete before it is published
    OUT/.rapport-cache/                  stamps and charts (commands/cache.py, render/charts.py)

A build works in its scratch folder and, once every format has succeeded, puts the new
set in place with one rename: on Linux the new folder and OUT/REPORT are exchanged
atomically (renameat2 RENAME_EXCHANGE), so whoever looks up OUT/REPORT finds either
the whole old set or the whole new one, never the new Markdown beside the old PDF.
Where the exchange is not available (another system, a file system without it) the old
folder is renamed away and the new one renamed in: for that instant OUT/REPORT is
absent, never mixed, and a failed second rename puts the old folder back.

OUT/REPORT/ therefore holds exactly what the last build wrote: building `--format md`
after a full build leaves no older DOCX or PDF beside the new Markdown.

A build that is killed leaves its scratch folder; the next build removes every scratch
folder whose process no longer runs (or that is more than a day old). Nothing here
follows a symbolic link out of OUT/: a link where a report folder or a folder of the
tool's own should be is refused (RR640, RR642), never written through or emptied.

Every failure to write (a full or read-only disk, no permission, a name too long for
the file system, a file where a folder should be) is an OutputProblem: a located
message and exit code 2, the old outputs untouched.
"""
from __future__ import annotations

import errno
import os
import stat
import sys
import time
from pathlib import Path

from ..diagnostics import Diagnostic, OutputProblem

TMP_DIR = ".rapport-tmp"
CACHE_DIR = ".rapport-cache"  # = commands.cache.CACHE_DIR
STALE_AFTER = 24 * 3600  # a scratch folder this old is a leftover, whatever its process id says

_WHY = {
    errno.ENOSPC: ("disken är full", "Frigör utrymme och bygg igen."),
    errno.EDQUOT: ("diskkvoten är slut", "Frigör utrymme och bygg igen."),
    errno.EROFS: ("filsystemet är skrivskyddat", "Ange en skrivbar mapp med --out."),
    errno.EACCES: ("behörighet saknas", "Ange en mapp du får skriva i med --out, eller ändra behörigheten."),
    errno.EPERM: ("behörighet saknas", "Ange en mapp du får skriva i med --out, eller ändra behörigheten."),
    errno.ENAMETOOLONG: ("namnet är för långt för filsystemet",
                         "Välj ett kortare rapportnamn eller en kortare sökväg med --out."),
    errno.ENOTDIR: ("en del av sökvägen är en fil, inte en mapp", "Flytta filen eller ange en annan mapp med --out."),
    errno.EEXIST: ("en fil ligger i vägen", "Flytta filen eller ange en annan mapp med --out."),
}


def _show(path: str | Path) -> str:
    p = Path(path)
    try:
        return str(p.relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def write_problem(e: OSError, fallback: Path) -> OutputProblem:
    """An OSError met while writing outputs, as the user should read it (RR641)."""
    path = e.filename if e.filename else fallback
    why, hint = _WHY.get(e.errno or 0, (e.strerror or str(e), "Kontrollera mappen och bygg igen."))
    return OutputProblem([Diagnostic(_show(path), 1, 1, "RR641",
                                     f"Kan inte skriva utdata till {_show(path)}: {why}. Inget ändrades i den "
                                     "tidigare utdatan.", hint)])


def _not_a_folder(path: Path, what: str, code: str = "RR640", link: bool | None = None) -> OutputProblem:
    link = path.is_symlink() if link is None else link
    kind = "en symbolisk länk" if link else "ingen mapp"
    hint = ("rapport skriver aldrig genom en länk ut ur utdatamappen; ta bort länken så skapas mappen igen."
            if link else "Flytta eller ta bort filen, eller ange en annan mapp med --out.")
    return OutputProblem([Diagnostic(_show(path), 1, 1, code, f"{what} {_show(path)} är {kind}.", hint)])


def _kind(path: Path) -> int | None:
    """The file type bits of path itself (a link is a link), or None when nothing is there."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:  # a name too long, no permission to look
        raise write_problem(e, path) from None


def _plain_folder(path: Path, what: str, code: str) -> Path:
    """path as a real folder (created when missing): never a symlink, never a file."""
    kind = _kind(path)
    if kind is None:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            pass  # made by a parallel build meanwhile, or a file: looked at below
        except OSError as e:
            raise write_problem(e, path) from None
        kind = _kind(path)
    if kind != stat.S_IFDIR:
        raise _not_a_folder(path, what, code, link=kind == stat.S_IFLNK)
    return path


def output_root(out_root: Path) -> Path:
    """The output folder itself (a symlink to a folder is fine here: the user chose it)."""
    out_root = Path(out_root)
    try:
        out_root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        pass
    except OSError as e:
        raise write_problem(e, out_root) from None
    if not out_root.is_dir():
        raise _not_a_folder(out_root, "Utdatamappen")
    return out_root


def cache_folder(out_root: Path, *parts: str) -> Path:
    """OUT/.rapport-cache[/parts...], each level a real folder: a symlinked cache folder is
    refused (RR642), because the chart cache prunes its oldest files and must never do that
    in a folder of the user's that a link points to."""
    path = Path(out_root) / CACHE_DIR
    _plain_folder(path, "Cachemappen", "RR642")
    for part in parts:
        path = path / part
        _plain_folder(path, "Cachemappen", "RR642")
    return path


def cache_problem(out_root: Path) -> Diagnostic | None:
    """Why OUT/.rapport-cache must not be used (a link, a file, a path that cannot be
    looked at), or None; creates nothing."""
    path = Path(out_root) / CACHE_DIR
    try:
        for p in (path, path / "check", path / "charts"):
            kind = _kind(p)
            if kind is not None and kind != stat.S_IFDIR:
                return _not_a_folder(p, "Cachemappen", "RR642", link=kind == stat.S_IFLNK).diagnostics[0]
    except OutputProblem as e:
        return e.diagnostics[0]
    return None


def start(out_root: Path, report_id: str) -> Path:
    """A fresh scratch folder for one build of report_id; checks that its outputs can be
    published (OUT/REPORT is a real folder or absent) and removes leftovers of killed builds."""
    out_root = output_root(out_root)
    target = out_root / report_id
    kind = _kind(target)
    if kind is not None and kind != stat.S_IFDIR:
        raise _not_a_folder(target, "Rapportens utdatamapp", link=kind == stat.S_IFLNK)
    tmp = _plain_folder(out_root / TMP_DIR, "Arbetsmappen", "RR642")
    clean_leftovers(tmp)
    import tempfile  # here: `rapport check` imports this module and needs none of it

    try:
        # The report id is cut short here: only the final names carry it whole.
        return Path(tempfile.mkdtemp(prefix=f"{report_id[:40]}.{os.getpid()}.", dir=tmp))
    except OSError as e:
        raise write_problem(e, tmp) from None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def clean_leftovers(tmp: Path) -> list[str]:
    """Remove the scratch folders of builds that no longer run; returns their names."""
    import shutil

    removed: list[str] = []
    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        parts = entry.name.rsplit(".", 2)
        try:
            pid = int(parts[1]) if len(parts) == 3 else None
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER
        except (ValueError, OSError):
            continue
        if pid is None or (_alive(pid) and not old):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)  # removes links inside, never what they point to
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            pass  # another build removing it too, or not ours to remove: leave it
    return removed


def publish(scratch: Path, out_root: Path, report_id: str, files: dict[str, Path]) -> list[Path]:
    """Move the finished files (final name -> file in scratch) into a new folder and put
    that folder in the place of OUT/REPORT as a whole. Raises OSError; on failure the old
    folder is where it was."""
    new = scratch / report_id
    new.mkdir()
    for name, src in files.items():
        os.replace(src, new / name)
    target = Path(out_root) / report_id
    if not os.path.lexists(target):
        try:
            os.rename(new, target)
            return [target / n for n in files]
        except OSError as e:
            if e.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise  # another build published meanwhile: exchange with that one below
    if not _exchange(new, target):
        old = scratch / "tidigare"
        os.rename(target, old)
        try:
            os.rename(new, target)
        except OSError:
            os.rename(old, target)
            raise
    return [target / n for n in files]


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # a C library without it (glibc < 2.28, musl < 1.2.5?)
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # the kernel or the file system cannot: rename twice instead
    raise OSError(err, os.strerror(err), str(b))


def discard(scratch: Path) -> None:
    import shutil

    shutil.rmtree(scratch, ignore_errors=True)
